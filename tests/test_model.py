"""Facts the model relies on that live in two places: keep them in step."""

from catgen.model import NAME_RE, REFERENCE_FIELDS, VERSION_RE
from catgen.load.schemas import schema


def test_identity_patterns_match_the_schema():
    # A name or version the schema rejects (CG201) must never become an identity, a path or an address.
    definitions = schema("envelope")["$defs"]
    assert NAME_RE.pattern == definitions["name"]["pattern"]
    assert VERSION_RE.pattern == definitions["version"]["pattern"]


def test_reference_fields_have_the_shapes_the_catalog_walks():
    for fields in REFERENCE_FIELDS.values():
        for path in fields:
            assert path[0] == "spec" and (len(path) == 2 or (len(path) == 3 and path[2] == "*")), path
