"""Checks that mtasts.pyi describes the compiled module: names, members and Literal values."""

from __future__ import annotations

import ast
import gzip
import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mtasts

CRATE = Path(__file__).resolve().parents[1]
STUB = CRATE / "mtasts.pyi"
ALLOWLIST = CRATE / "stubtest-allowlist.txt"


def stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(), filename=str(STUB))


def stub_public_names() -> set[str]:
    names = set()
    for node in stub_tree().body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def stub_class_members() -> dict[str, set[str]]:
    members = {}
    for node in stub_tree().body:
        # Private classes, such as the TypedDicts of the report JSON, exist only in the stub.
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            members[node.name] = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_")
            }
    return members


def stub_literal(alias: str) -> set[str]:
    """Return the strings of the Literal[...] that the stub assigns to `alias`."""
    for node in stub_tree().body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == alias for target in node.targets
        ):
            assert isinstance(node.value, ast.Subscript), f"{alias} is not a Literal[...]"
            elements = node.value.slice
            values = elements.elts if isinstance(elements, ast.Tuple) else [elements]
            return {value.value for value in values if isinstance(value, ast.Constant)}
    raise AssertionError(f"{alias} not found in {STUB}")


def stub_alias(alias: str) -> ast.expr:
    """Return the value that the stub assigns to `alias`."""
    for node in stub_tree().body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == alias for target in node.targets
        ):
            return node.value
    raise AssertionError(f"{alias} not found in {STUB}")


def stub_union_literals(alias: str) -> list[str]:
    """Return the strings of every Literal that `alias` joins with `|`, repeats included."""
    value = stub_alias(alias)
    if isinstance(value, ast.BinOp):
        assert isinstance(value.op, ast.BitOr), f"{alias} is not a union"
        names = []
        stack: list[ast.expr] = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp):
                stack.extend([node.right, node.left])
            else:
                assert isinstance(node, ast.Name), f"{alias} joins something other than names"
                names.append(node.id)
        return [code for name in names for code in stub_union_literals(name)]
    assert isinstance(value, ast.Subscript), f"{alias} is not a Literal[...]"
    elements = value.slice
    values = elements.elts if isinstance(elements, ast.Tuple) else [elements]
    return [value.value for value in values if isinstance(value, ast.Constant)]


def stub_docstrings() -> dict[str, str | None]:
    """Map each public class and function of the stub, and each public member, to its docstring."""
    docstrings = {}
    for node in stub_tree().body:
        if not isinstance(node, (ast.ClassDef, ast.FunctionDef)) or node.name.startswith("_"):
            continue
        docstrings[node.name] = ast.get_docstring(node)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    docstrings[f"{node.name}.{item.name}"] = ast.get_docstring(item)
    return docstrings


def first_sentence(docstring: str) -> str:
    """Return the first sentence of the first paragraph of `docstring`, on one line."""
    paragraph = " ".join(docstring.split("\n\n")[0].split())
    return re.split(r"(?<=\.)\s", paragraph)[0]


def runtime_public_names() -> set[str]:
    # The package that maturin generates also contains the compiled submodule mtasts.mtasts.
    return {
        name
        for name in dir(mtasts)
        if not name.startswith("_") and not inspect.ismodule(getattr(mtasts, name))
    }


def test_stub_names_match_module() -> None:
    assert stub_public_names() == runtime_public_names()


def test_stub_all_matches_module() -> None:
    stub_all = next(
        ast.literal_eval(node.value)
        for node in stub_tree().body
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)
    )
    assert sorted(stub_all) == sorted(mtasts.__all__)


def test_stub_class_members_match_module() -> None:
    for class_name, stub_members in stub_class_members().items():
        runtime_class = getattr(mtasts, class_name)
        inherited = set(dir(ValueError)) if issubclass(runtime_class, ValueError) else set()
        runtime_members = {
            name
            for name in dir(runtime_class)
            if not name.startswith("_") and name not in inherited
        }
        assert stub_members == runtime_members, class_name


@pytest.mark.parametrize(("name", "stub_docstring"), sorted(stub_docstrings().items()))
def test_stub_docstring_matches_module(name: str, stub_docstring: str | None) -> None:
    runtime = mtasts
    for part in name.split("."):
        runtime = getattr(runtime, part)
    assert runtime.__doc__, f"{name} has no docstring in the module"
    assert stub_docstring == first_sentence(runtime.__doc__)


def test_package_ships_stub_and_marker() -> None:
    package = Path(mtasts.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "__init__.pyi").read_text() == STUB.read_text()


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="mypy is not installed"
)
def test_stubtest_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "mtasts", "--allowlist", str(ALLOWLIST)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_literal_modes_and_severities(corpus: Path) -> None:
    names = ["policy-crlf.txt", "policy-duplicate-fields.txt", "policy-mode-none-no-mx.txt"]
    modes = {mtasts.parse_policy((corpus / name).read_bytes()).mode for name in names}
    assert modes == stub_literal("_Mode")
    policy = mtasts.parse_policy((corpus / "policy-bom.txt").read_bytes())
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy((corpus / "policy-nmx-typo.txt").read_bytes())
    severities = {policy.warnings[0].severity} | {d.severity for d in caught.value.diagnostics}
    assert severities == stub_literal("_Severity")


def test_literal_statuses() -> None:
    rrsets = [[], [["v=STSv1; id=a"]], [["v=STSv1; id=a"], ["v=STSv1; id=b"]], [["v=STSv1; id=-"]]]
    statuses = {mtasts.select_sts_record(rrset).status for rrset in rrsets}
    assert statuses == stub_literal("_SelectionStatus")


def test_stub_codes_equal_diagnostic_codes() -> None:
    assert set(stub_union_literals("_Code")) == set(mtasts.DIAGNOSTIC_CODES)


def test_diagnostic_codes_sorted_and_unique() -> None:
    codes = mtasts.DIAGNOSTIC_CODES
    assert isinstance(codes, tuple)
    assert list(codes) == sorted(set(codes))


@pytest.mark.parametrize(
    "alias", ["_PolicyCode", "_RecordCode", "_RuaCode", "_ReportCode", "_EmailCode"]
)
def test_stub_code_group_has_no_repeats(alias: str) -> None:
    codes = stub_union_literals(alias)
    assert len(codes) == len(set(codes))


def test_corpus_codes_are_in_stub(corpus: Path) -> None:
    policy_codes = stub_literal("_PolicyCode")
    produced = set()
    for path in sorted(corpus.glob("policy-*")):
        try:
            produced.update(d.code for d in mtasts.parse_policy(path.read_bytes()).warnings)
        except mtasts.ParseError as error:
            produced.update(d.code for d in error.diagnostics)
    assert produced - policy_codes == set()


def test_record_codes_are_in_stub() -> None:
    record_codes = stub_literal("_RecordCode")
    inputs = [
        "v=STSv1 ; id=abc ",
        "v=STSv1; id = abc; id=def; ID=x",
        "v=STSv1; id=2016-08-31",
        "v=STSv1",
        "v=spf1 -all",
        "V=STSv1; id=a",
        '"v=STSv1; id=a"',
        "v=STSv1 id=abc",
        "v=STSv1; id=abc;;",
        "v=STSv1; id",
        "v=STSv1; _x=1",
        "v=STSv1; id=a; x==",
        "v=STSv1; id=a; x=\u00e9",
    ]
    produced = set()
    for text in inputs:
        try:
            produced.update(d.code for d in mtasts.parse_sts_record(text).warnings)
        except mtasts.ParseError as error:
            produced.update(d.code for d in error.diagnostics)
    assert produced - record_codes == set()
    assert len(produced) >= 14


def test_rua_codes_are_produced() -> None:
    inputs = [
        "v=TLSRPTv1; rua=mailto:a@example.com,,https://r.example/",
        "v=TLSRPTv1; rua=mailto:a@example.com!10m",
        "v=TLSRPTv1; rua=postmaster@example.com",
        "v=TLSRPTv1; rua=ftp://r.example/",
        "v=TLSRPTv1; rua=mailto:a b@example.com",
        "v=TLSRPTv1; rua=https://r.example:0/",
        "v=TLSRPTv1; rua=mailto:@example.com",
        "v=TLSRPTv1; rua=mailto:a@example.com.",
        "v=TLSRPTv1; rua=mailto:a@192.0.2.1",
        "v=TLSRPTv1; rua=mailto:" + "a" * 65 + "@example.com",
        "v=TLSRPTv1; rua=mailto:a@example.com?subject=x",
        "v=TLSRPTv1; rua=https:r.example",
        "v=TLSRPTv1; rua=https://a_b.example/",
    ]
    produced = set()
    for text in inputs:
        try:
            produced.update(d.code for d in mtasts.parse_tlsrpt_record(text).warnings)
        except mtasts.ParseError as error:
            produced.update(d.code for d in error.diagnostics)
    assert produced == stub_literal("_RuaCode")


def test_email_and_report_codes_are_in_stub(corpus: Path) -> None:
    produced = set()
    for path in sorted(corpus.glob("report-*")):
        for strict in (False, True):
            try:
                received = mtasts.read_report(path.read_bytes(), strict=strict)
                produced.update(d.code for d in received.warnings + received.message_warnings)
            except mtasts.ParseError as error:
                produced.update(d.code for d in error.diagnostics)
    email_codes = stub_literal("_EmailCode")
    report_codes = stub_literal("_ReportCode")
    assert produced - email_codes - report_codes == set()
    assert {"submitter-mismatch", "file-name-mismatch"} <= produced


def test_content_type_codes_equal_stub() -> None:
    error_codes = set()
    for value in ["text/html", "garbage"]:
        with pytest.raises(mtasts.ContentTypeError) as caught:
            mtasts.check_content_type(value)
        error_codes.add(caught.value.code)
    assert error_codes == stub_literal("_ContentTypeErrorCode")
    warning_codes = set()
    for value in [None, "text/plain; charset=latin1", "text/plain; =="]:
        warning_codes.update(w.code for w in mtasts.check_content_type(value))
    assert warning_codes == stub_literal("_ContentTypeWarningCode")


def test_report_input_codes_in_stub() -> None:
    # "invalid-email" is left out: no input found makes the core's MIME parser fail. The Rust
    # test `stub_codes_equal_core_codes` compares the whole Literal with the core's list.
    inputs = [
        b"\x1f\x8bxx",
        b"From: a@example.com\r\n\r\nhi\r\n",
        b" " * (16 * 1024 * 1024 + 1),
        gzip.compress(b" " * (64 * 1024 * 1024 + 1), compresslevel=1),
    ]
    produced = set()
    for data in inputs:
        with pytest.raises(mtasts.ReportInputError) as caught:
            mtasts.read_report(data)
        produced.add(caught.value.code)
    assert produced == stub_literal("_ReportInputCode") - {"invalid-email"}
