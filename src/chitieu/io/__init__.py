"""Reading and writing submissions.

- :mod:`chitieu.io.read`: :func:`~chitieu.io.read.read_submission`, from a folder,
  a zip, a workbook or one file, as people send them;
- :mod:`chitieu.io.write`: :func:`~chitieu.io.write.write_submission`, in the
  canonical layout or with Vietnamese names;
- :mod:`chitieu.io.headers`: matching file, sheet and column names;
- :mod:`chitieu.io.values`: parsing dates, codes, yes/no and numbers.
"""
