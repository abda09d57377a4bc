#!/usr/bin/env python3
"""Validators the Swift tests run on l4spec's machine-readable output.

  validate.py schema SCHEMA FILE   jsonschema validation (the schema's own draft,
                                   with format checks); prints "valid" or the errors
  validate.py junit FILE           parses JUnit XML with junitparser; prints the
                                   suites and cases as JSON

Exit 0 valid, 1 invalid, 2 a tool is missing or the call is wrong.
"""
import json
import sys


def schema(schema_path, file_path):
    try:
        import jsonschema
    except ImportError as e:
        print(f"missing Python package: {e} (run scripts/ensure-test-deps)")
        return 2
    with open(schema_path, encoding="utf-8") as f:
        schema_doc = json.load(f)
    with open(file_path, encoding="utf-8") as f:
        doc = json.load(f)
    cls = jsonschema.validators.validator_for(schema_doc)
    cls.check_schema(schema_doc)
    validator = cls(schema_doc, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:20]:
        print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
    if errors:
        return 1
    print("valid")
    return 0


def junit(file_path):
    try:
        from junitparser import JUnitXml, TestSuite, Failure, Error, Skipped
    except ImportError as e:
        print(f"missing Python package: {e} (run scripts/ensure-test-deps)")
        return 2
    xml = JUnitXml.fromfile(file_path)
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    out = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "suites": []}
    for suite in suites:
        cases = []
        for case in suite:
            kinds = [type(r).__name__.lower() for r in case.result]
            result = "failure" if "failure" in kinds else "error" if "error" in kinds else "skipped" if "skipped" in kinds else "passed"
            message = next((r.message for r in case.result if r.message is not None), None)
            cases.append({"classname": case.classname, "name": case.name, "result": result, "message": message,
                          "text": next((r.text for r in case.result if r.text), None)})
        entry = {"name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                 "skipped": suite.skipped, "cases": cases}
        out["suites"].append(entry)
        for key in ("tests", "failures", "errors", "skipped"):
            out[key] += entry[key] or 0
    print(json.dumps(out))
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "schema":
        return schema(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "junit":
        return junit(argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
