#ifndef CZLIB_H
#define CZLIB_H
// Header-only shim between Swift and zlib (`zlib1g-dev` on Debian and Ubuntu), for module RetryIO.
//
// Swift imports zlib's functions, types and integer macros (Z_OK, Z_STREAM_END) by itself. What it
// cannot use are the function-like macros that pass the library's version and the size of
// z_stream (inflateInit2): they are here as `static inline` functions with an `rs_` prefix.

#include <zlib.h>

/// `inflateInit2(strm, 15 + 32)`: the largest window, and the header detected from the data (gzip
/// or zlib). The caller zeroes the stream first (zalloc, zfree, opaque NULL: zlib's allocator).
static inline int rs_inflate_init_auto(z_streamp strm) { return inflateInit2(strm, 15 + 32); }

#endif
