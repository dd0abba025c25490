// Work that may run on a second thread while the caller does something else. Private to lib/.
#ifndef CASREPORT_LIB_CORE_SIDE_TASK_HPP
#define CASREPORT_LIB_CORE_SIDE_TASK_HPP

#include <exception>
#include <functional>
#include <system_error>
#include <thread>
#include <utility>

namespace casreport::detail {

/// Runs `work` on a thread of its own when asked to and a thread can be had; otherwise
/// `finish()` runs it on the calling thread, in turn. Either way the result is the same, so a
/// machine that cannot start a thread is only slower. The thread is always joined, also when
/// the caller throws; what `work` throws reaches the caller from `finish()`.
class side_task {
public:
    template <class Work>
    side_task(bool on_a_thread, Work&& work) : work_(std::forward<Work>(work)) {
        if (!on_a_thread) return;
        try {
            thread_ = std::thread([this] {
                try {
                    work_();
                } catch (...) {
                    failure_ = std::current_exception();
                }
            });
        } catch (const std::system_error&) {
            // No thread to be had: finish() does the work.
        }
    }

    side_task(const side_task&) = delete;
    side_task& operator=(const side_task&) = delete;
    side_task(side_task&&) = delete;
    side_task& operator=(side_task&&) = delete;

    ~side_task() {
        if (thread_.joinable()) thread_.join();
    }

    /// Whether the work runs on its own thread.
    [[nodiscard]] bool on_a_thread() const noexcept { return thread_.joinable(); }

    /// Waits for the work, or does it now if it has no thread; rethrows what it threw. Once.
    void finish() {
        if (!thread_.joinable()) {
            work_();
            return;
        }
        thread_.join();
        if (failure_) std::rethrow_exception(failure_);
    }

private:
    std::function<void()> work_;
    std::thread thread_;
    std::exception_ptr failure_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_CORE_SIDE_TASK_HPP
