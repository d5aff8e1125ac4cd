"""Pictures for tests, made on the spot: a phone photo with everything a camera writes into
it (GPS position, camera, orientation, colour profile, comment), a PNG pixel bomb, and text
dressed up as a JPEG."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageCms, ImageDraw

GPS_LATITUDE = (50.0, 50.0, 46.0)  # Brussels, 50°50'46" N


def camera_jpeg(
    width: int = 1600, height: int = 1200, orientation: int = 1, profile: bool = True
) -> bytes:
    """A JPEG photo of `width` x `height` stored pixels, carrying GPS EXIF data, the camera's
    make and serial number, an orientation tag, a comment and (unless `profile` is false,
    as from many phones) an ICC colour profile."""
    image = Image.new("RGB", (width, height), (30, 110, 160))
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill=(240, 200, 40))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Fotofabriek", "Zakcamera 3", orientation
    exif[0xA431] = "SERIAL-0042"
    exif.get_ifd(0x8825).update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: (4.0, 21.0, 6.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if profile else None
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=icc, comment=b"Kamer 12, Wetstraat")
    return out.getvalue()


def png_bomb(side: int = 10_000) -> bytes:
    """A valid PNG of side x side grey pixels (100 million by default) that takes about
    100 KB: all zeros, compressed."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte, then the row
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def text_as_jpeg() -> bytes:
    """What a text file renamed to foto.jpg holds."""
    return b"Dit is geen foto, enkel tekst in een bestand dat foto.jpg heet.\n"
