"""Pictures made safe to publish: what staff upload is decoded by Pillow (so it is really a
JPEG, PNG or WebP picture), refused when it has more pixels than a photo needs (a small file
that decodes into gigabytes is an attack on the server), turned upright and into sRGB, and
drawn anew at the sizes the pages use.

Only pixels leave this module: every rendition is a new image encoded from raw pixel data,
so no EXIF (GPS positions, camera serial numbers), XMP, comment or colour profile of the
upload survives. The colour profile is applied before it is dropped, so colours stay true.
"""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

from marshmallow import ValidationError
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo at full size is the most a person sends
JPEG_QUALITY = 85
NOT_A_PICTURE = "This is not a JPEG, PNG or WebP picture (or it is damaged)."
TOO_MANY_PIXELS = f"The picture has more than {MAX_PIXELS:,} pixels; send a smaller one."


@dataclass(frozen=True)
class Size:
    """A rendition's box: `crop` fills it exactly (cut to its shape), else the picture fits
    inside it, never enlarged."""

    kind: str
    width: int
    height: int
    crop: bool


# The finalist's page, the social preview (the size Open Graph and Twitter cards expect),
# the thumbnail on the voting page (shown at half size for sharp screens).
SIZES = (
    Size("page", 960, 960, crop=False),
    Size("social", 1200, 630, crop=True),
    Size("thumbnail", 320, 320, crop=True),
)


@dataclass(frozen=True)
class Rendition:
    """One encoded size of a picture, named by the hash of its bytes (so its address changes
    whenever its content does, and it can be cached for ever)."""

    kind: str
    data: bytes
    width: int
    height: int

    @property
    def name(self) -> str:
        """The file name: the start of the content's SHA-256, then the type."""
        return hashlib.sha256(self.data).hexdigest()[:32] + ".jpg"

    content_type = "image/jpeg"


def renditions(data: bytes) -> list[Rendition]:
    """The picture in `data` at every size of SIZES, without metadata. Raises a 422-bound
    ValidationError on field `picture` for anything that is not a picture or is too big."""
    image = _srgb(ImageOps.exif_transpose(decode(data)))
    return [_encode(size.kind, _resized(image, size)) for size in SIZES]


def decode(data: bytes) -> Image.Image:
    """Decode `data` as one of FORMATS, refusing pixel bombs before their pixels are read."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, "picture")
            image.draft("RGB", (SIZES[1].width, SIZES[1].width))  # JPEG: decode at a smaller scale
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(TOO_MANY_PIXELS, "picture") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error) as exc:
            raise ValidationError(NOT_A_PICTURE, "picture") from exc
    return image


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _srgb(image: Image.Image) -> Image.Image:
    """The picture in RGB, in the sRGB colours browsers assume for an untagged picture:
    its own profile applied when it has a usable one, transparency laid on white."""
    icc = image.info.get("icc_profile")
    if image.mode != "CMYK":
        image = _on_white(image)
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or mismatched profile: the pixels as they are
    return image.convert("RGB")


def _on_white(image: Image.Image) -> Image.Image:
    if not image.has_transparency_data:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")


def _resized(image: Image.Image, size: Size) -> Image.Image:
    box = (size.width, size.height)
    if size.crop:
        return ImageOps.fit(image, box, Image.Resampling.LANCZOS)
    fitted = image.copy()
    fitted.thumbnail(box, Image.Resampling.LANCZOS)
    return fitted


def _encode(kind: str, image: Image.Image) -> Rendition:
    # A new image from the raw pixels: nothing of the upload's `info` (EXIF, XMP, ICC,
    # comments, dpi) can ride along into the file.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Rendition(kind, out.getvalue(), clean.width, clean.height)
