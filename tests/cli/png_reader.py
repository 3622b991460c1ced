"""A minimal PNG reader for the tests of `gmix plot`: the chunks, the
IHDR size, and the pixels of 8-bit RGB or RGBA images (what cairo
writes), decoded with zlib and the five PNG row filters. Standard library
only."""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(data):
    """The (type, payload) chunks of a PNG file, checking each CRC."""
    assert data[:8] == SIGNATURE, "not a PNG file"
    at, out = 8, []
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        payload = data[at + 8:at + 8 + length]
        crc, = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + payload) & 0xFFFFFFFF == crc, kind
        out.append((kind.decode("ascii"), payload))
        at += 12 + length
    assert out[0][0] == "IHDR" and out[-1][0] == "IEND", "bad chunk order"
    return out


def header(data):
    """(width, height, bit depth, colour type) from the IHDR chunk."""
    ihdr = chunks(data)[0][1]
    width, height, depth, colour = struct.unpack(">IIBB", ihdr[:10])
    return width, height, depth, colour


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


class Image:
    """The pixels of a PNG file: image.pixel(x, y) is an (r, g, b)."""

    def __init__(self, data):
        width, height, depth, colour = header(data)
        assert depth == 8 and colour in (2, 6), (depth, colour)
        bpp = 3 if colour == 2 else 4
        raw = zlib.decompress(b"".join(p for k, p in chunks(data)
                                       if k == "IDAT"))
        stride = width * bpp
        assert len(raw) == height * (stride + 1), "wrong amount of pixel data"
        rows, prev = [], bytearray(stride)
        for y in range(height):
            kind = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if kind == 1:
                    line[i] = (line[i] + a) & 0xFF
                elif kind == 2:
                    line[i] = (line[i] + b) & 0xFF
                elif kind == 3:
                    line[i] = (line[i] + (a + b) // 2) & 0xFF
                elif kind == 4:
                    line[i] = (line[i] + _paeth(a, b, c)) & 0xFF
                else:
                    assert kind == 0, f"row {y}: filter {kind}"
            rows.append(bytes(line))
            prev = line
        self.width, self.height, self.bpp, self.rows = width, height, bpp, rows

    def pixel(self, x, y):
        row = self.rows[y]
        return tuple(row[x * self.bpp:x * self.bpp + 3])

    def colours(self):
        """How many pixels have each colour."""
        counts = {}
        for row in self.rows:
            for x in range(self.width):
                p = row[x * self.bpp:x * self.bpp + 3]
                counts[p] = counts.get(p, 0) + 1
        return counts
