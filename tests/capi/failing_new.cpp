// A replacement global operator new that can fail on request (see failing_new.hpp).
#include "failing_new.hpp"

#include <cstdlib>
#include <new>

namespace capi_test {
namespace {

thread_local long countdown = -1;  // allocations left before the failure; -1: none planned
thread_local bool failed = false;

void* allocate(std::size_t n) {
    if (countdown == 0) {
        countdown = -1;
        failed = true;
        throw std::bad_alloc();
    }
    if (countdown > 0) --countdown;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

}  // namespace

fault_window::fault_window(long& budget) noexcept : budget_(budget) { countdown = budget; }
fault_window::~fault_window() {
    budget_ = countdown;
    countdown = -1;
}

bool injected() noexcept { return failed; }
void reset_injected() noexcept { failed = false; }

}  // namespace capi_test

void* operator new(std::size_t n) { return capi_test::allocate(n); }
void* operator new[](std::size_t n) { return capi_test::allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return capi_test::allocate(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return capi_test::allocate(n);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
