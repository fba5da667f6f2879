"""Validates documents against a JSON Schema with the Python jsonschema package, an implementation
independent of Lockmaster's. Usage: json_schema_check.py SCHEMA DOCUMENT...

Each document is a file holding JSON, or YAML when its name ends in .yaml. Prints one JSON line:
{"DOCUMENT": "error text" or null, ...}. Exits 2 when the schema itself is not a valid draft-07 schema.
"""
import json
import sys

import jsonschema
import yaml


def main():
    with open(sys.argv[1]) as handle:
        schema = json.load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.SchemaError as error:
        print(f"invalid schema: {error.message}", file=sys.stderr)
        sys.exit(2)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    results = {}
    for path in sys.argv[2:]:
        with open(path) as handle:
            document = yaml.safe_load(handle) if path.endswith(".yaml") else json.load(handle)
        if path.endswith(".yaml") and document is None:
            document = {}
        errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
        results[path] = "; ".join(f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in errors) or None
    print(json.dumps(results))


main()
