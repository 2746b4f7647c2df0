#!/usr/bin/env python3
"""Fingerprint of a .qvb's graph and constants, read with flatc's own generated Python reader.

An oracle outside the Swift code: it decodes the file with classes that stock `flatc --python
--gen-object-api` generates from formats/qvb.fbs, turns every table into plain JSON and replaces
each section's bytes by their SHA-256. Fields that describe the file rather than the model —
format version, producer, model I/O tables, whole-file CRC and size — are left out, so two
files print the same fingerprint exactly when their tensors, values, ops, tokenizer,
configuration and every byte of section data agree.

    python3 tools/qvb_fingerprint.py A.qvb [B.qvb …]        # one line per file: sha256  path
    python3 tools/qvb_fingerprint.py --json A.qvb           # the canonical JSON itself
"""
import argparse
import hashlib
import importlib
import json
import os
import subprocess
import sys
import tempfile

# Fields of Model that say how the file is stored, who wrote it, or how its I/O is named —
# not what the model computes.
FILE_FIELDS = {"formatVersion", "producer", "io", "inputs", "outputs", "maxTokens", "metadataCrc32c", "fileSize"}


def generated_reader(schema):
    """Imports the Python object API flatc generates from `schema` (in a temporary folder)."""
    out = tempfile.mkdtemp(prefix="qvb-fbpy-")
    subprocess.run(["flatc", "--python", "--gen-object-api", "-o", out, schema], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("qv.fb.Model")


def plain(obj):
    """JSON-able form of an unpacked FlatBuffers object (numpy vectors become lists)."""
    if hasattr(obj, "tolist"):  # numpy vectors and scalars
        return plain(obj.tolist())
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj.hex()  # exact
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "surrogateescape")
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in sorted(obj.items())}
    if not hasattr(obj, "__dict__"):
        raise TypeError(f"cannot fingerprint {type(obj)}: {obj!r}")
    return {k: plain(v) for k, v in sorted(vars(obj).items())}


def fingerprint(path, model_module):
    with open(path, "rb") as f:
        buf = bytearray(f.read())
    model = model_module.ModelT.InitFromObj(model_module.Model.GetRootAs(buf, 0))
    for section in model.sections or []:
        data = bytes(section.data) if section.data is not None else b""
        section.data = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    doc = {k: plain(v) for k, v in sorted(vars(model).items()) if k not in FILE_FIELDS}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--json", action="store_true", help="print the canonical JSON instead of its hash")
    parser.add_argument("--schema", default=os.path.join(root, "formats", "qvb.fbs"))
    args = parser.parse_args()
    module = generated_reader(args.schema)
    for path in args.files:
        text, digest = fingerprint(path, module)
        print(text if args.json else f"{digest}  {path}")


if __name__ == "__main__":
    main()
