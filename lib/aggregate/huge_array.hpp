// A zero-filled array of trivially copyable T for the large tables of the de-duplication store.
// Private to lib/.
//
// On Linux, arrays of 2 MiB and more are mapped directly (so freeing them returns the memory to
// the system at once, which keeps peak memory flat while one store drains into another), and
// tables probed at random can ask for transparent huge pages (a random probe into a table of
// thousands of 4 KiB pages misses the TLB every time).
#ifndef CASREPORT_LIB_AGGREGATE_HUGE_ARRAY_HPP
#define CASREPORT_LIB_AGGREGATE_HUGE_ARRAY_HPP

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace casreport::detail {

/// Bytes of a huge page: mapped arrays are a whole number of them.
inline constexpr std::size_t huge_page_size = std::size_t{2} << 20;

template <class T>
class huge_array {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    huge_array() = default;
    /// `random_access`: the array is probed at random, so ask for huge pages.
    explicit huge_array(std::size_t n, bool random_access = false) { allocate(n, random_access); }
    huge_array(huge_array&& o) noexcept
        : data_(o.data_), size_(o.size_), mapped_bytes_(o.mapped_bytes_) {
        o.data_ = nullptr;
        o.size_ = 0;
        o.mapped_bytes_ = 0;
    }
    huge_array& operator=(huge_array&& o) noexcept {
        if (this != &o) {
            release();
            data_ = o.data_;
            size_ = o.size_;
            mapped_bytes_ = o.mapped_bytes_;
            o.data_ = nullptr;
            o.size_ = 0;
            o.mapped_bytes_ = 0;
        }
        return *this;
    }
    huge_array(const huge_array&) = delete;
    huge_array& operator=(const huge_array&) = delete;
    ~huge_array() { release(); }

    /// Replaces the contents with `n` zeroed elements.
    void assign_zero(std::size_t n, bool random_access = false) {
        release();
        allocate(n, random_access);
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    void allocate(std::size_t n, bool random_access) {
        const std::size_t bytes = n * sizeof(T);
        void* p = nullptr;
#if defined(__linux__)
        if (bytes >= huge_page_size) {
            const std::size_t rounded =
                (bytes + huge_page_size - 1) / huge_page_size * huge_page_size;
            p = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
            if (random_access) madvise(p, rounded, MADV_HUGEPAGE);
#endif
            mapped_bytes_ = rounded;  // fresh mappings read as zero
            data_ = static_cast<T*>(p);
            size_ = n;
            return;
        }
#endif
        (void)random_access;
        p = std::calloc(n == 0 ? 1 : n, sizeof(T));
        if (p == nullptr) throw std::bad_alloc();
        data_ = static_cast<T*>(p);
        size_ = n;
    }

    void release() noexcept {
#if defined(__linux__)
        if (mapped_bytes_ != 0) {
            munmap(data_, mapped_bytes_);
            data_ = nullptr;
            size_ = 0;
            mapped_bytes_ = 0;
            return;
        }
#endif
        std::free(data_);
        data_ = nullptr;
        size_ = 0;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t mapped_bytes_ = 0;  // non-zero: mapped, not from the heap
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_HUGE_ARRAY_HPP
