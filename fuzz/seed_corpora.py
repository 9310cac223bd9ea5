#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets from the repository's test data.

Policies come from testdata/corpus/policy-*, reports from report-*.json and the email
report-*.eml, and records, MX patterns and content types from the JSON case tables there. The
report_input seeds add each report gzip-compressed and inside email messages built here, and the
report_filename seeds add a name built from each report's own fields. Run from anywhere. Files
are named after their content's hash, so a rerun adds nothing twice.
"""
import base64
import datetime
import gzip
import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = ROOT.parent / "testdata" / "corpus"

STS_TABLES = ["txt-sts-delimiters.json", "txt-sts-fields.json", "txt-sts-multistring.json",
              "txt-sts-rrsets.json"]

# Names from the RFC 8460 section 5.1 grammar and its edge cases: leading zeros, upper-case
# extensions, a sixth field, a U-label, a timestamp past 64 bits.
FILE_NAMES = [
    "mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz",
    "a.example!b.example!0!86400.json",
    "xn--mx-lka.example!xn--bcher-kva.example!1!2!AbC123.json",
    "a.example!b.example!007!0100.JSON.Gz",
    "a.example!b.example!1!2!x!y.json",
    "m\u00f8x.example!b.example!1!2.json",
    "a.example!b.example!1!18446744073709551616.json",
    "a.example!b.example!1!2!.json",
    "a.example!b.example!1!2.json.zip",
]


def write(target: str, data: bytes) -> None:
    folder = ROOT / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def cases(name: str) -> list:
    return json.loads((CORPUS / name).read_text())["cases"]


def rrset_records(tables: list[str]) -> list[bytes]:
    return ["".join(rr).encode() for name in tables for case in cases(name)
            for rr in case["rrset"]]


def presentation(strings: list[str]) -> str:
    """Quote strings as dig prints them, escaping quotes, backslashes and semicolons."""
    quoted = []
    for string in strings:
        escaped = string.replace("\\", "\\\\").replace('"', '\\"').replace(";", "\\;")
        quoted.append(f'"{escaped}"')
    return " ".join(quoted)


def email(report: bytes, media_type: str, encoding: str, file_name: str) -> bytes:
    """Build a multipart/report message (RFC 8460 section 5.3) that carries `report`."""
    if encoding == "base64":
        body = base64.encodebytes(report).decode()
    else:
        body = report.decode() + "\n"
    text = (
        "From: reporter@sender.example\n"
        "Subject: Report Domain: example.com Submitter: sender.example Report-ID: <1@x>\n"
        "TLS-Report-Domain: example.com\n"
        "TLS-Report-Submitter: sender.example\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; boundary="b1"; report-type=tlsrpt\n'
        "\n"
        "--b1\n"
        "Content-Type: text/plain\n"
        "\n"
        "A TLS report.\n"
        "\n"
        "--b1\n"
        f'Content-Type: {media_type}; name="{file_name}"\n'
        f'Content-Disposition: attachment; filename="{file_name}"\n'
        f"Content-Transfer-Encoding: {encoding}\n"
        "\n"
        f"{body}"
        "--b1--\n"
    )
    return text.encode()


def seconds(text: str) -> int:
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def report_file_name(report: dict) -> str | None:
    """Build the RFC 8460 section 5.1 name of a report from its own fields."""
    try:
        sender = (report.get("contact-info") or "").rsplit("@", 1)[-1] or "sender.example"
        domain = report["policies"][0]["policy"].get("policy-domain") or "example.com"
        start = seconds(report["date-range"]["start-datetime"])
        end = seconds(report["date-range"]["end-datetime"])
    except (KeyError, ValueError, TypeError, IndexError):
        return None
    return f"{sender}!{domain}!{start}!{end}!1.json"


def main() -> None:
    for path in sorted(CORPUS.glob("policy-*")):
        write("policy", path.read_bytes())

    sts_records = rrset_records(STS_TABLES)
    tlsrpt_records = rrset_records(["txt-tlsrpt-cases.json"])
    pasted = [case["pasted"] for case in cases("txt-presentation-artifacts.json")]
    for record in sts_records:
        write("sts_record", record)
    for text in pasted:
        write("sts_record", text.encode())
        write("tlsrpt_record", text.encode())
        write("txt_presentation", text.encode())
    for record in tlsrpt_records:
        write("tlsrpt_record", record)
        for uri in record.decode(errors="replace").partition("rua=")[2].split(";")[0].split(","):
            if uri.strip():
                write("tlsrpt_record", uri.strip().encode())
    for case in cases("txt-tlsrpt-cases.json") + cases("txt-sts-multistring.json"):
        strings = case["rrset"][0]
        write("txt_presentation", presentation(strings).encode())
        owner = "_smtp._tls" if strings[0].startswith("v=TLSRPT") else "_mta-sts"
        write("txt_presentation",
              f"{owner}.example.com. 300 IN TXT {presentation(strings)}".encode())

    # Whole RRsets for the selection check: one record per line, strings split at NUL.
    for name in STS_TABLES + ["txt-tlsrpt-cases.json"]:
        for case in cases(name):
            rrset = "\n".join("\0".join(rr) for rr in case["rrset"])
            write("txt_presentation", rrset.encode())

    for case in cases("mx-matching-cases.json"):
        hosts = [case["host"]] if "host" in case else case["mx_rrset"]
        for pattern in case["patterns"]:
            for host in hosts:
                write("mx_pattern", f"{pattern}\n{host}".encode())
    for case in cases("http-fetch-cases.json"):
        if case.get("content_type"):
            write("content_type", case["content_type"].encode())

    reports = [path.read_bytes() for path in sorted(CORPUS.glob("report-*.json"))]
    for report in reports:
        write("report_json", report)
        write("report_input", report)
        write("report_input", gzip.compress(report, mtime=0))
        name = report_file_name(json.loads(report))
        if name:
            write("report_filename", name.encode())
    for path in sorted(CORPUS.glob("report-*.eml")):
        message = path.read_bytes()
        write("report_input", message)
        for name in re.findall(rb'name="([^"]+)"', message):
            write("report_filename", name)
    example = (CORPUS / "report-rfc8460-example.json").read_bytes()
    name = "mail.sndr.example.com!company-y.example!1456790400!1456876799!1.json"
    write("report_input", email(example, "application/tlsrpt+json", "7bit", name))
    write("report_input", email(gzip.compress(example, mtime=0), "application/tlsrpt+gzip",
                                "base64", name + ".gz"))
    write("report_input", email(example, "application/octet-stream", "base64", name))
    for name in FILE_NAMES:
        write("report_filename", name.encode())


if __name__ == "__main__":
    main()
