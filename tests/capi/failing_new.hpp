// Fault injection for the C API tests: this test program replaces the global operator new, and
// libcasreport.so, which takes operator new from the dynamic linker like any C++ library, gets
// ours. Within a fault_window, the chosen allocation on this thread throws std::bad_alloc, so the
// tests can prove that running out of memory anywhere gives CASREPORT_E_NOMEM, a poisoned handle
// and no leak or crash.
#ifndef CASREPORT_TESTS_CAPI_FAILING_NEW_HPP
#define CASREPORT_TESTS_CAPI_FAILING_NEW_HPP

namespace capi_test {

/// While alive, counts this thread's allocations and fails the one numbered `fail_at` (0-based)
/// across every window that shares `budget`.
class fault_window {
public:
    explicit fault_window(long& budget) noexcept;
    ~fault_window();
    fault_window(const fault_window&) = delete;
    fault_window& operator=(const fault_window&) = delete;

private:
    long& budget_;
};

/// Whether an allocation failure was injected on this thread since the last reset_injected().
bool injected() noexcept;
void reset_injected() noexcept;

}  // namespace capi_test

#endif  // CASREPORT_TESTS_CAPI_FAILING_NEW_HPP
