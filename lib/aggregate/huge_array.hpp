// A zero-filled array of trivially copyable T for large random-access tables. Private to lib/.
//
// Tables probed at random (the de-duplication index) miss the TLB on every probe when they span
// thousands of 4 KiB pages; on Linux, large arrays are aligned to 2 MiB and offered to the
// kernel for transparent huge pages.
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

template <class T>
class huge_array {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    huge_array() = default;
    explicit huge_array(std::size_t n) { allocate(n); }
    huge_array(huge_array&& o) noexcept : data_(o.data_), size_(o.size_) {
        o.data_ = nullptr;
        o.size_ = 0;
    }
    huge_array& operator=(huge_array&& o) noexcept {
        if (this != &o) {
            std::free(data_);
            data_ = o.data_;
            size_ = o.size_;
            o.data_ = nullptr;
            o.size_ = 0;
        }
        return *this;
    }
    huge_array(const huge_array&) = delete;
    huge_array& operator=(const huge_array&) = delete;
    ~huge_array() { std::free(data_); }

    /// Replaces the contents with `n` zeroed elements.
    void assign_zero(std::size_t n) {
        std::free(data_);
        data_ = nullptr;
        size_ = 0;
        allocate(n);
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20;

    void allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        void* p = nullptr;
        if (bytes >= huge_page) {
            const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
            p = std::aligned_alloc(huge_page, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
            if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);
#endif
        } else {
            p = std::malloc(bytes == 0 ? 1 : bytes);
        }
        if (p == nullptr) throw std::bad_alloc();
        std::memset(p, 0, bytes);
        data_ = static_cast<T*>(p);
        size_ = n;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_HUGE_ARRAY_HPP
