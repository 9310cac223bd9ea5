#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets from the repository's test data.

Policies come from testdata/corpus/policy-*; records, MX patterns and content types from the
JSON case tables there. Run from anywhere; files are named after their content's hash, so a
rerun adds nothing twice.
"""
import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = ROOT.parent / "testdata" / "corpus"


def write(target: str, data: bytes) -> None:
    folder = ROOT / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def main() -> None:
    for path in sorted(CORPUS.glob("policy-*")):
        write("policy", path.read_bytes())
    for name in ["txt-sts-delimiters.json", "txt-sts-fields.json", "txt-sts-multistring.json",
                 "txt-sts-rrsets.json"]:
        for case in json.loads((CORPUS / name).read_text())["cases"]:
            for rr in case["rrset"]:
                write("sts_record", "".join(rr).encode())
    for case in json.loads((CORPUS / "txt-presentation-artifacts.json").read_text())["cases"]:
        write("sts_record", case["pasted"].encode())
    for case in json.loads((CORPUS / "mx-matching-cases.json").read_text())["cases"]:
        hosts = [case["host"]] if "host" in case else case["mx_rrset"]
        for pattern in case["patterns"]:
            for host in hosts:
                write("mx_pattern", f"{pattern}\n{host}".encode())
    for case in json.loads((CORPUS / "http-fetch-cases.json").read_text())["cases"]:
        if case.get("content_type"):
            write("content_type", case["content_type"].encode())


if __name__ == "__main__":
    main()
