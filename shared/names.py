"""Names of organisations and web addresses reduced to what tells them apart.

The hub finds an innovation nominated twice by its folded organisation and name; jury finds
a juror who may know a finalist by the folded organisation and by the web domain. Folding
drops case, accents, punctuation and the Belgian legal forms ("vzw De Spaak" is "De Spaak
VZW"); a web domain drops the scheme, the path, the port and a leading `www.`.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# A word: letters and digits, or single letters each followed by a dot ("v.z.w.", "b. v.").
WORDS = re.compile(r"(?<![a-z0-9])[a-z](?:\. ?[a-z](?![a-z0-9]))+|[a-z0-9]+")
LEGAL_FORMS = frozenset({"vzw", "asbl", "bv", "bvba", "nv", "cv", "cvba", "vof", "ivzw", "aisbl"})


def fold(text: str) -> str:
    """A name reduced to what tells it apart: lower case, no accents, no punctuation, no
    legal form. Letters written one by one are one word ("V.Z.W." is "vzw")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    words = [re.sub(r"[. ]", "", w) for w in WORDS.findall(plain)]
    return " ".join(w for w in words if w not in LEGAL_FORMS)


def web_domain(address: str) -> str:
    """The host of a web address as typed ("https://www.Proef.be/x", "proef.be"), lower
    case, without `www.`; "" when there is none."""
    address = address.strip()
    if "//" not in address:
        address = "//" + address
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:  # a malformed port or bracket: no host to compare
        return ""
    return host.removeprefix("www.").rstrip(".")


def same_site(a: str, b: str) -> bool:
    """Whether two domains are one site or one within the other (gent.be, stad.gent.be)."""
    if not a or not b or "." not in a or "." not in b:
        return False
    return a == b or a.endswith("." + b) or b.endswith("." + a)
