// Compressing test inputs with the libraries casreport decompresses with (the golden inputs
// come from the command-line tools instead): one stream of `text` in each codec.
#ifndef CASREPORT_TESTS_UNIT_COMPRESS_HPP
#define CASREPORT_TESTS_UNIT_COMPRESS_HPP

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <zstd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace casreport::test {

/// `text` as one gzip member (ISA-L, level 1).
inline std::string gzip(std::string_view text) {
    isal_zstream zs;
    isal_deflate_init(&zs);
    zs.gzip_flag = IGZIP_GZIP;
    zs.level = 1;
    std::vector<std::uint8_t> level_buf(ISAL_DEF_LVL1_DEFAULT);
    zs.level_buf = level_buf.data();
    zs.level_buf_size = static_cast<std::uint32_t>(level_buf.size());
    zs.end_of_stream = 1;
    zs.flush = NO_FLUSH;
    std::string out(text.size() + text.size() / 16 + 1024, '\0');
    zs.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<std::uint32_t>(text.size());
    zs.next_out = reinterpret_cast<std::uint8_t*>(out.data());
    zs.avail_out = static_cast<std::uint32_t>(out.size());
    if (isal_deflate_stateless(&zs) != COMP_OK) throw std::runtime_error("isal_deflate");
    out.resize(zs.total_out);
    return out;
}

/// `text` as one zstd frame (level 3, with a checksum).
inline std::string zstd(std::string_view text) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    std::string out(ZSTD_compressBound(text.size()), '\0');
    const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), text.data(), text.size());
    ZSTD_freeCCtx(cctx);
    if (ZSTD_isError(n) != 0) throw std::runtime_error("ZSTD_compress2");
    out.resize(n);
    return out;
}

/// `text` as one xz stream (level 1, CRC-64).
inline std::string xz(std::string_view text) {
    std::string out(lzma_stream_buffer_bound(text.size()), '\0');
    std::size_t n = 0;
    if (lzma_easy_buffer_encode(
            1, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const std::uint8_t*>(text.data()),
            text.size(), reinterpret_cast<std::uint8_t*>(out.data()), &n, out.size()) != LZMA_OK) {
        throw std::runtime_error("lzma_easy_buffer_encode");
    }
    out.resize(n);
    return out;
}

/// `text` as one bzip2 stream (100 kB blocks, so that a few dozen kB make several).
inline std::string bzip2(std::string_view text) {
    std::string out(text.size() + text.size() / 100 + 600, '\0');
    auto n = static_cast<unsigned>(out.size());
    if (BZ2_bzBuffToBuffCompress(out.data(), &n, const_cast<char*>(text.data()),
                                 static_cast<unsigned>(text.size()), 1, 0, 0) != BZ_OK) {
        throw std::runtime_error("BZ2_bzBuffToBuffCompress");
    }
    out.resize(n);
    return out;
}

/// A zstd skippable frame holding `payload` (magic 0x184D2A5?, little-endian size, payload).
inline std::string zstd_skippable(std::string_view payload, unsigned variant = 0) {
    std::string out = {static_cast<char>(0x50 | (variant & 0xF)), '\x2A', '\x4D', '\x18'};
    for (int i = 0; i < 4; ++i) out += static_cast<char>((payload.size() >> (8 * i)) & 0xFF);
    return out.append(payload);
}

}  // namespace casreport::test

#endif  // CASREPORT_TESTS_UNIT_COMPRESS_HPP
