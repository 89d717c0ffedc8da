#!/usr/bin/env python3
"""Reads the TensorBoard event files of directories with TensorBoard's own reader and prints what it sees.

Usage: python3 read_events.py DIR [DIR...]
For each DIR (a model_dir, its eval/ directory, ...), every events.out.tfevents.* file in it is first read
record by record with TensorBoard's TFRecord reader, which checks both CRCs of every record, and each record
is parsed as a tensorflow.Event; then TensorBoard's EventAccumulator (the loader behind its scalar and
histogram dashboards) loads the directory, keeping every event. Prints one JSON object:
  {DIR: {"files": [{"name": "events.out.tfevents....", "records": 12, "file_version": "brain.Event:2"}],
         "file_version": 2.0,
         "scalars": {tag: [[step, value], ...]},
         "histograms": {tag: [{"step": 10, "min": ..., "max": ..., "num": ..., "sum": ..., "sum_squares": ...,
                               "bucket_limit": [...], "bucket": [...]}, ...]}}, ...}
with the records' file_version (the first record's, "" if it has none) and events in file order; values
that are not finite are written as the strings "nan", "inf" and "-inf".
Exit status: 0 when every directory was read, 1 when one holds no event file or a file fails to read (a CRC
mismatch, a truncated record, a record that is not an Event), 2 on usage errors or when tensorboard is
missing from this python (use build/pyenv/bin/python, made by `bash scripts/dev.sh setup`).
Needs no TensorFlow: tensorboard's own stub of it reads the files.
"""

import json
import math
import os
import sys


class UsageError(Exception):
    pass


class ReadError(Exception):
    pass


def number(x):
    x = float(x)
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def verify_file(path, event_pb2, pywrap, errors):
    """Reads every record of `path` with CRC checks; the number of records and the first one's file_version."""
    reader = pywrap.PyRecordReader_New(path.encode(), 0, b"", None)
    records = 0
    first_version = ""
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            break
        except errors.DataLossError as e:
            raise ReadError(f"{path}: record {records}: {e.message}") from e
        event = event_pb2.Event()
        try:
            event.ParseFromString(reader.record())
        except Exception as e:  # protobuf's DecodeError
            raise ReadError(f"{path}: record {records} is not an Event: {e}") from e
        if records == 0:
            first_version = event.file_version
        records += 1
    return records, first_version


def read_directory(directory, modules):
    event_accumulator, event_pb2, pywrap, errors = modules
    names = sorted(n for n in os.listdir(directory) if n.startswith("events.out.tfevents."))
    if not names:
        raise ReadError(f"{directory}: no events.out.tfevents.* file")
    files = []
    for name in names:
        records, version = verify_file(os.path.join(directory, name), event_pb2, pywrap, errors)
        files.append({"name": name, "records": records, "file_version": version})
    keep_all = {kind: 0 for kind in event_accumulator.DEFAULT_SIZE_GUIDANCE}
    accumulator = event_accumulator.EventAccumulator(directory, size_guidance=keep_all)
    accumulator.Reload()
    tags = accumulator.Tags()
    scalars = {tag: [[e.step, number(e.value)] for e in accumulator.Scalars(tag)]
               for tag in tags[event_accumulator.SCALARS]}
    histograms = {}
    for tag in tags[event_accumulator.HISTOGRAMS]:
        histograms[tag] = []
        for e in accumulator.Histograms(tag):
            h = e.histogram_value
            histograms[tag].append({
                "step": e.step, "min": number(h.min), "max": number(h.max), "num": number(h.num),
                "sum": number(h.sum), "sum_squares": number(h.sum_squares),
                "bucket_limit": [number(x) for x in h.bucket_limit], "bucket": [number(x) for x in h.bucket]})
    return {"files": files, "file_version": accumulator.file_version, "scalars": scalars,
            "histograms": histograms}


def main(argv):
    if not argv or "--help" in argv or "-h" in argv:
        raise UsageError("usage: read_events.py DIR [DIR...]")
    for directory in argv:
        if not os.path.isdir(directory):
            raise UsageError(f"{directory} is not a directory")
    try:
        from tensorboard.backend.event_processing import event_accumulator
        from tensorboard.compat.proto import event_pb2
        from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
    except ImportError as e:
        raise UsageError(f"{e.name or e} is not installed in {sys.executable}: run `bash scripts/dev.sh setup` "
                         f"in the source tree (it installs tools/requirements-verify.txt into build/pyenv) and "
                         f"use build/pyenv/bin/python") from e
    modules = (event_accumulator, event_pb2, pywrap_tensorflow, errors)
    print(json.dumps({d: read_directory(d, modules) for d in argv}, indent=1))
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except UsageError as e:
        print(f"read_events: {e}", file=sys.stderr)
        code = 2
    except (ReadError, OSError) as e:
        print(f"read_events: {e}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.exit(code)
