"""Linked-Data URIs of the LOR spaces (BerlinOnline's "LOR als RDF", data under CC0 1.0).

The rule, as `../shared/data/lor2021-berlin/README.md` documents it from BerlinOnline's
`lod-berlin-lor` (`void.ttl`, `bin/geojson2rdf.py`):
`https://berlinonline.github.io/lod-berlin-lor/<level>_<LOR number>`, the level as the
app stores it (`bez`, `pgr`, `bzr`, `plr`) and the number with its leading zeros, e.g.
`https://berlinonline.github.io/lod-berlin-lor/plr_04100102`.
"""

LOD_BASE = "https://berlinonline.github.io/lod-berlin-lor/"
LEVELS = ("bez", "pgr", "bzr", "plr")


def lor_uri(level: str, lor_number: str) -> str:
    """The Linked-Data URI of one LOR space; ValueError for a level the rule does not know."""
    if level not in LEVELS or not lor_number.isdigit():
        raise ValueError(f"no LOR URI for level {level!r}, number {lor_number!r}")
    return f"{LOD_BASE}{level}_{lor_number}"
