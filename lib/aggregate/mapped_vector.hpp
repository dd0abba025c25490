// A growable array of trivially copyable T for the tables that grow with the input (interned
// text, mail details). Private to lib/.
//
// A std::vector grows by copying into a new buffer while the old one is still held, and the
// allocator keeps many of the freed buffers for later: on a month of logs that is ten or more
// megabytes of peak memory that holds nothing. Past 1 MiB this array lives in its own mapping
// and grows with mremap on Linux: the pages move, nothing is copied, and the old range is gone
// at once.
#ifndef CASREPORT_LIB_AGGREGATE_MAPPED_VECTOR_HPP
#define CASREPORT_LIB_AGGREGATE_MAPPED_VECTOR_HPP

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace casreport::detail {

template <class T>
class mapped_vector {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    mapped_vector() = default;
    mapped_vector(mapped_vector&& o) noexcept { swap(o); }
    mapped_vector& operator=(mapped_vector&& o) noexcept {
        if (this != &o) {
            release();
            swap(o);
        }
        return *this;
    }
    mapped_vector(const mapped_vector& o) { append(o.data_, o.size_); }
    mapped_vector& operator=(const mapped_vector& o) {
        if (this != &o) {
            clear();
            append(o.data_, o.size_);
        }
        return *this;
    }
    ~mapped_vector() { release(); }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] T* data() noexcept { return data_; }
    [[nodiscard]] const T* data() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    T* begin() noexcept { return data_; }
    T* end() noexcept { return data_ + size_; }
    const T* begin() const noexcept { return data_; }
    const T* end() const noexcept { return data_ + size_; }

    void push_back(const T& v) {
        if (size_ == capacity_) {
            const T copy = v;  // `v` may live in this array
            grow(size_ + 1);
            data_[size_++] = copy;
            return;
        }
        data_[size_++] = v;
    }

    /// Writes `v` after the last element and keeps it there only if `keep`: a push without a
    /// branch on `keep`, for a hot path where it is unpredictable.
    void push_back_if(const T& v, bool keep) {
        if (size_ == capacity_) {
            const T copy = v;  // `v` may live in this array
            grow(size_ + 1);
            data_[size_] = copy;
        } else {
            data_[size_] = v;
        }
        size_ += keep ? 1 : 0;
    }

    /// Appends `n` elements from `p`, which may point into this array.
    void append(const T* p, std::size_t n) {
        if (n == 0) return;
        if (size_ + n > capacity_) {
            if (p >= data_ && p < data_ + size_) {  // our own elements: keep their offset
                const std::size_t at = static_cast<std::size_t>(p - data_);
                grow(size_ + n);
                p = data_ + at;
            } else {
                grow(size_ + n);
            }
        }
        std::memmove(data_ + size_, p, n * sizeof(T));
        size_ += n;
    }

    void reserve(std::size_t n) {
        if (n > capacity_) grow(n);
    }

    /// Empties the array, keeping its memory.
    void clear() noexcept { size_ = 0; }

    /// Empties the array and returns its memory.
    void release() noexcept {
        if (data_ != nullptr) {
#if defined(__linux__)
            if (mapped_) {
                munmap(data_, capacity_ * sizeof(T));
            } else {
                std::free(data_);
            }
#else
            std::free(data_);
#endif
        }
        data_ = nullptr;
        size_ = 0;
        capacity_ = 0;
        mapped_ = false;
    }

private:
    static constexpr std::size_t page = 4096;
    static constexpr std::size_t map_from_bytes = std::size_t{1} << 20;

    void swap(mapped_vector& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
        std::swap(capacity_, o.capacity_);
        std::swap(mapped_, o.mapped_);
    }

    /// Room for at least `n` elements: capacity doubles (so pushes stay amortized O(1)).
    void grow(std::size_t n) {
        std::size_t cap = capacity_ == 0 ? 16 : capacity_ * 2;
        if (cap < n) cap = n;
        std::size_t bytes = cap * sizeof(T);
#if defined(__linux__)
        if (bytes >= map_from_bytes) {
            bytes = (bytes + page - 1) / page * page;
            cap = bytes / sizeof(T);
            void* p = nullptr;
            if (mapped_) {
                p = mremap(data_, capacity_ * sizeof(T), bytes, MREMAP_MAYMOVE);
            } else {
                p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                         0);
                if (p != MAP_FAILED && size_ != 0) std::memcpy(p, data_, size_ * sizeof(T));
                if (p != MAP_FAILED) std::free(data_);
            }
            if (p == MAP_FAILED) throw std::bad_alloc();
            data_ = static_cast<T*>(p);
            capacity_ = cap;
            mapped_ = true;
            return;
        }
#endif
        void* p = std::realloc(data_, bytes);
        if (p == nullptr) throw std::bad_alloc();
        data_ = static_cast<T*>(p);
        capacity_ = cap;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    bool mapped_ = false;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_MAPPED_VECTOR_HPP
