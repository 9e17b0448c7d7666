"""Small vectorised helpers shared by validation and the indicators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "dictionary_codes",
    "distinct_keys",
    "encode_ids",
    "isin",
    "join_keys",
    "keys_isin",
    "search_sorted",
    "unique_small",
]


def isin(series: pd.Series, values: Iterable[object] | pd.Series) -> np.ndarray:
    """Boolean mask of ``series`` values found in ``values`` (missing -> False).

    Arrow-backed string columns use Arrow's hash lookup, several times faster than
    ``Series.isin`` with a Python set on a million rows.

    >>> isin(pd.Series(["a", "b", None], dtype="str"), {"b"}).tolist()
    [False, True, False]
    """
    vals = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(series.array, pd.arrays.ArrowStringArray):
        arr = pa.array(series)
        value_set = pa.array(vals.dropna().astype(str).tolist(), type=arr.type)
        out = pc.is_in(arr, value_set=value_set, skip_nulls=True)
        return np.asarray(out.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return (
        np.asarray(series.isin(vals.dropna().tolist()).to_numpy(), dtype=bool)
        & series.notna().to_numpy()
    )


def join_keys(*columns: pd.Series, sep: str = "|") -> pd.Series:
    """One string key per row from several columns (missing parts become empty).

    >>> join_keys(pd.Series(["07774"]), pd.Series(["2008"])).tolist()
    ['07774|2008']
    """
    out = columns[0].astype("str").fillna("")
    for col in columns[1:]:
        out = out + sep + col.astype("str").fillna("")
    return out


def keys_isin(columns: Sequence[pd.Series], allowed: pd.Series, sep: str = "|") -> np.ndarray:
    """``isin(join_keys(*columns), allowed)``, joining only the distinct combinations.

    A commune code and its division version repeat over millions of rows but
    take a few thousand distinct values: each column is dictionary-encoded,
    the codes combined into one integer per row, and one key per distinct
    combination is built (from the dictionaries, not from the rows) and
    looked up.

    >>> keys_isin([pd.Series(["1", "2", "1", None]), pd.Series(["2008"] * 4)],
    ...           pd.Series(["1|2008"])).tolist()
    [True, False, True, False]
    """
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=bool)
    combined = np.zeros(n, dtype=np.int64)
    dictionaries = []
    room = 1
    for col in columns:
        part, uniq = pd.factorize(col)
        room *= len(uniq) + 1
        if room > 2**24:  # too many combinations for a lookup table: join every row
            return isin(join_keys(*columns, sep=sep), allowed)
        combined = combined * (len(uniq) + 1) + (np.asarray(part, dtype=np.int64) + 1)
        dictionaries.append(uniq)
    distinct = np.flatnonzero(np.bincount(combined, minlength=room))
    rest = distinct.copy()
    parts: list[pd.Series] = []
    for uniq in reversed(dictionaries):  # decode each distinct combination (0 = missing)
        size = len(uniq) + 1
        at = rest % size - 1
        rest //= size
        values = pd.Series(np.asarray(uniq, dtype=object)[np.maximum(at, 0)], dtype=object)
        parts.insert(0, values.where(at >= 0, None))
    table = np.zeros(room, dtype=bool)
    table[distinct] = isin(join_keys(*parts, sep=sep), allowed)
    out: np.ndarray = table[combined]
    return out


def dictionary_codes(col: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Codes (``int32``, -1 for missing) and distinct values of *col*.

    >>> codes_, values = dictionary_codes(pd.Series(["b", None, "a", "b"], dtype="str"))
    >>> codes_.tolist(), values
    ([0, -1, 1, 0], ['b', 'a'])
    """
    if isinstance(col.array, pd.arrays.ArrowStringArray):
        data = col.array.__arrow_array__()
        arr = data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data
        enc = pc.dictionary_encode(arr)
        codes_ = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), np.int32)
        return codes_, enc.dictionary.to_pylist()
    raw, uniq = pd.factorize(col)
    return np.asarray(raw, dtype=np.int32), list(uniq)


def distinct_keys(columns: Sequence[pd.Series], sep: str = "|") -> set[str]:
    """``set(join_keys(*columns))`` over the rows where no part is missing, joined per distinct value.

    Commune code and division version repeat over millions of rows: each
    column is dictionary-encoded, the codes combined into one small integer
    per row, and only the distinct combinations are joined as text.

    >>> sorted(distinct_keys([pd.Series(["1", "2", "1", None]), pd.Series(["2008"] * 4)]))
    ['1|2008', '2|2008']
    """
    if not len(columns) or not len(columns[0]):
        return set()
    parts = [dictionary_codes(col) for col in columns]
    sizes = [max(len(uniq), 1) for _, uniq in parts]
    room = float(np.prod(sizes, dtype=np.float64))
    if room >= 2.0**62:  # too many combinations to number: join every row
        frame = pd.concat([c.reset_index(drop=True) for c in columns], axis=1).dropna()
        return set(join_keys(*(frame[c] for c in frame.columns), sep=sep).unique().tolist())
    kind = np.dtype(np.int32 if room < 2**31 else np.int64)
    combined: np.ndarray = np.zeros(len(columns[0]), dtype=kind)
    present = np.ones(len(columns[0]), dtype=bool)
    for (codes_, _), size in zip(parts, sizes, strict=True):
        present &= codes_ >= 0
        np.multiply(combined, size, out=combined, casting="unsafe")
        np.add(combined, np.maximum(codes_, 0), out=combined, casting="unsafe")
    kept = combined[present] if not present.all() else combined
    if room <= 2**24:
        distinct = np.flatnonzero(np.bincount(kept, minlength=int(room)))
    else:
        distinct = np.unique(kept)
    out: set[str] = set()
    for number in distinct.tolist():
        pieces = []
        for size, (_, uniq) in zip(reversed(sizes), reversed(parts), strict=True):
            pieces.append(str(uniq[number % size]))
            number //= size
        out.add(sep.join(reversed(pieces)))
    return out


def unique_small(values: np.ndarray, *, max_range: int = 2**24) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for integers of a small range, without a sort.

    Codes of communes and versions take a few thousand values over millions of
    rows: a count per value (one pass) replaces the sort of every row. The
    inverse is ``int32`` on this path (four bytes a row).

    >>> uniq, inverse = unique_small(np.array([5, -2, 5, 7]))
    >>> uniq.tolist(), inverse.tolist()
    ([-2, 5, 7], [1, 0, 1, 2])
    """
    values = np.asarray(values)
    if values.size == 0 or values.dtype.kind not in "iu":
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq, inverse.reshape(-1)
    low, high = int(values.min()), int(values.max())
    if high - low >= max_range:
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq, inverse.reshape(-1)
    # the range is below 2**24: the shifted values and ranks fit 32 bits
    shifted = values.astype(np.int32) - np.int32(low) if values.dtype.itemsize <= 4 else None
    if shifted is None:
        shifted = (values.astype(np.int64) - low).astype(np.int32)
    present = np.bincount(shifted, minlength=high - low + 1) > 0
    rank = (np.cumsum(present) - 1).astype(np.int32)
    uniq = (np.flatnonzero(present) + low).astype(values.dtype)
    return uniq, rank[shifted]


def search_sorted(haystack: np.ndarray, needles: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted(haystack, needles, side)``, the needles taken in sorted order.

    A binary search per needle in a large array misses the cache at nearly
    every step when the needles come in random order; searched in sorted
    order, consecutive needles walk the same paths (a million ids in a
    register of five million: 1 s against 0.15 s, the sort included).

    >>> search_sorted(np.array([1, 3, 5, 7]), np.array([6, 1, 8, 3])).tolist()
    [3, 0, 4, 1]
    """
    needles = np.asarray(needles)
    side_: Literal["left", "right"] = "right" if side == "right" else "left"
    if len(needles) < 4096 or bool(np.all(needles[1:] >= needles[:-1])):
        found: np.ndarray = np.asarray(np.searchsorted(haystack, needles, side=side_))
        return found
    order = np.argsort(needles, kind="stable")
    out = np.empty(len(needles), dtype=np.intp)
    out[order] = np.searchsorted(haystack, needles[order], side=side_)
    return out


#: Texts up to this many bytes are packed into integers (longer ones hashed by pandas).
SHORT_TEXT = 31
_NULL_LENGTH = 255  # the length byte of a missing value: no short text is that long


def encode_ids(
    register: pd.Series, others: Sequence[pd.Series]
) -> tuple[np.ndarray, list[np.ndarray], int, int]:
    """Integer codes of the ids of a register and of the tables that refer to it.

    Returns ``(register_codes, other_codes, n_known, na_code)``. The register's
    distinct ids get the codes ``0 .. n_known - 1`` in order of first
    appearance (as :func:`pandas.factorize`); a value of another column gets
    the code of the same id on the register, or a code ``>= n_known`` when the
    register lacks it (ids absent from the register may share a code). A
    missing value has the code *na_code* everywhere (a code of the register
    when the register has a missing id: missing matches missing).

    Short texts (ids such as ``C0000001``) are packed into unsigned 64-bit
    integers, big-endian (so a register sorted by id gives increasing keys),
    and factorized as integers; a register whose keys already increase needs
    no hash table at all: the others are found by binary search. Anything else
    goes to :func:`pandas.factorize` over the texts.

    >>> reg, (ev,), n, na = encode_ids(pd.Series(["b", None, "a", "b"], dtype="str"),
    ...                                [pd.Series(["a", "zz", None], dtype="str")])
    >>> reg.tolist(), ev.tolist()[0], ev.tolist()[1] >= n, ev.tolist()[2] == na, n, na
    ([0, 1, 2, 0], 2, True, True, 3, 1)
    """
    cols = [register, *others]
    sizes = np.cumsum([0, *(len(c) for c in cols)])
    packed = _packed_text(cols)
    if packed is not None and len(packed[0]) == 1:
        keys, null = packed[0][0], packed[1]
        reg = keys[: sizes[1]]
        if reg.size and not null[: sizes[1]].any() and bool(np.all(reg[1:] > reg[:-1])):
            n_known = reg.size
            na_code = n_known + 1
            out = []
            for i in range(1, len(cols)):
                part, part_null = keys[sizes[i] : sizes[i + 1]], null[sizes[i] : sizes[i + 1]]
                pos = np.minimum(search_sorted(reg, part), n_known - 1)
                code = np.where(reg[pos] == part, pos, n_known)
                code[part_null] = na_code
                out.append(code.astype(np.int64))
            return np.arange(n_known, dtype=np.int64), out, n_known, na_code
    if packed is not None:
        codes = np.zeros(int(sizes[-1]), dtype=np.int64)
        first = True
        for word in packed[0]:  # one word at a time; the combined code stays injective
            part, uniq = pd.factorize(word)
            if len(uniq) == 1:
                continue
            codes = part if first else pd.factorize(codes * len(uniq) + part)[0]
            first = False
        codes = np.asarray(codes, dtype=np.int64)
        null = packed[1]
        na_code = int(codes[np.argmax(null)]) if null.any() else -1
    else:
        joined = pd.concat([c.reset_index(drop=True) for c in cols], ignore_index=True)
        raw, uniques = pd.factorize(joined, use_na_sentinel=False)
        codes = np.asarray(raw, dtype=np.int64)
        na = np.flatnonzero(pd.isna(uniques))
        na_code = int(na[0]) if na.size else -1
    reg_codes = codes[: sizes[1]]
    n_known = int(reg_codes.max()) + 1 if reg_codes.size else 0
    if na_code < 0:
        na_code = int(codes.max()) + 1 if codes.size else 0
    return (
        reg_codes,
        [codes[sizes[i] : sizes[i + 1]] for i in range(1, len(cols))],
        n_known,
        na_code,
    )


class _Chunk:
    """One Arrow text chunk's offsets, lengths (0 when missing), missing mask and bytes."""

    def __init__(self, chunk: pa.Array) -> None:
        if chunk.type != pa.large_string():
            chunk = chunk.cast(pa.large_string())
        self.arr = chunk
        n = len(chunk)
        bufs = chunk.buffers()
        self.offsets = np.frombuffer(bufs[1], dtype=np.int64, count=n + 1, offset=chunk.offset * 8)
        self.null = np.asarray(chunk.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        lengths = np.diff(self.offsets)
        if self.null.any():  # a missing slot may still span bytes: they are not its value
            lengths = np.where(self.null, 0, lengths)
        self.lengths = lengths
        raw = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
        self.used = raw[self.offsets[0] : self.offsets[-1]] if n else raw[:0]


def _packed_alphabet(chunks: list[_Chunk]) -> tuple[np.ndarray, np.ndarray] | None:
    """Each text as one ``uint64``: its characters' ranks in the alphabet of the data, packed.

    Ids use few characters (digits, a few capitals): with *k* distinct bytes
    in the data each character needs ``ceil(log2(k + 1))`` bits, so a
    12-digit identity number takes 48 bits and ``C000000001`` 40. Rank 0
    pads a shorter text, below every character, so the packed integers sort
    as the texts do (a register sorted by id gives increasing keys) and two
    texts pack alike only when they are equal. Each chunk is packed on its
    own (a register of one length is one block of bytes). None when the
    texts do not fit 64 bits that way, when a text is not ASCII or holds a
    NUL byte, or when an empty text and a missing value would pack alike.
    """
    present = np.zeros(256, dtype=bool)
    longest, has_null, has_empty = 0, False, False
    for c in chunks:
        for at in range(0, len(c.used), 1 << 22):  # in chunks: an index array widens to 8 bytes
            present[c.used[at : at + (1 << 22)]] = True
        if len(c.lengths):
            longest = max(longest, int(c.lengths.max()))
        has_null = has_null or bool(c.null.any())
        has_empty = has_empty or bool((c.lengths[~c.null] == 0).any())
    if longest == 0 or (has_null and has_empty) or present[0] or present[128:].any():
        return None
    symbols = int(present.sum())
    bits = max(symbols.bit_length(), 1)  # ranks 1..symbols, 0 pads
    if bits * longest > 64:
        return None
    rank = np.zeros(256, dtype=np.uint8)
    rank[present] = np.arange(1, symbols + 1, dtype=np.uint8)
    table = rank.tobytes()
    shift = np.uint64(bits)
    keys = []
    for c in chunks:
        n = len(c.lengths)
        width = int(c.lengths.max()) if n else 0
        used = c.used
        if n and not bool((c.lengths == width).all()):  # pad with NUL (rank 0) to one length
            padded = pc.utf8_rpad(c.arr.fill_null(""), width=longest, padding="\x00")
            used = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[: n * longest]
            width = longest
        key = np.zeros(n, dtype=np.uint64)
        if n and width:
            # every byte to its rank in one pass (bytes.translate), then a column a character
            block = np.frombuffer(used.tobytes().translate(table), dtype=np.uint8)
            block = block.reshape(n, width)
            for k in range(width):
                key <<= shift
                key |= block[:, k]
            del block
        if width < longest:  # shorter texts: padded with rank 0 on the right
            key <<= np.uint64(bits * (longest - width))
        keys.append(key)
    return np.concatenate(keys), np.concatenate([c.null for c in chunks])


def _packed_text(cols: list[pd.Series]) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Each short text as a few uint64 words (big-endian bytes, then its length if needed).

    The length byte is left out when every text has the same length and none
    is missing. None when a column is not Arrow text or a text is long.
    """
    chunks: list[pa.Array] = []
    for col in cols:
        if not isinstance(col.array, pd.arrays.ArrowStringArray):
            return None
        data = col.array.__arrow_array__()
        chunks.extend(data.chunks if isinstance(data, pa.ChunkedArray) else [data])
    if not chunks:
        return [], np.zeros(0, dtype=bool)
    small = _packed_alphabet([_Chunk(c) for c in chunks])
    if small is not None:
        return [small[0]], small[1]
    arr = pa.chunked_array(chunks, type=pa.large_string()).combine_chunks()
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64, count=n + 1, offset=arr.offset * 8)
    null = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    lengths = np.diff(offsets)
    if null.any():  # a missing slot may still span bytes: they are not its value
        lengths = np.where(null, 0, lengths)
    longest = int(lengths.max()) if n else 0
    if longest > SHORT_TEXT:
        return None
    shown = lengths[~null]
    raw = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    with_length = bool(null.any()) or (shown.size > 0 and int(shown.min()) != longest)
    width = max(longest + int(with_length), 1)
    n_words = -(-width // 8)
    if not with_length and n and longest:  # texts of one length, back to back: no gather
        block = raw[offsets[0] : offsets[-1]].reshape(n, longest)
        # bytes every text shares at its start (the "C" of "C000000001") tell nothing
        # apart and keep the order: dropped, a 9- or 10-byte id fits one word
        prefix = 0
        while prefix < longest - 1 and bool(np.all(block[:, prefix] == block[0, prefix])):
            prefix += 1
        width = max(longest - prefix, 1)
        n_words = -(-width // 8)
        matrix = np.zeros((n, 8 * n_words), dtype=np.uint8)
        matrix[:, : longest - prefix] = block[:, prefix:]
        del block
    else:
        matrix = np.zeros((n, 8 * n_words), dtype=np.uint8)
    if with_length:
        padded = np.concatenate([raw, np.zeros(8 * n_words, dtype=np.uint8)])
        start = offsets[:-1]
        for k in range(longest):
            byte = padded[start + k]
            byte[lengths <= k] = 0
            matrix[:, k] = byte
        matrix[:, 8 * n_words - 1] = np.where(null, _NULL_LENGTH, lengths).astype(np.uint8)
    if n_words == 1:
        return [matrix.view(">u8").reshape(n).astype(np.uint64)], null
    words = [
        matrix[:, 8 * i : 8 * i + 8].copy().view(">u8").reshape(n).astype(np.uint64)
        for i in range(n_words)
    ]
    return words, null
