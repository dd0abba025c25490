// detail::side_task: work on a second thread when one is wanted, else in turn; the same result
// either way, and what the work throws reaches the caller.
#include "core/side_task.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace crd = casreport::detail;

TEST(SideTask, RunsOnItsOwnThreadWhenAsked) {
    std::thread::id ran_on;
    crd::side_task t(true, [&] { ran_on = std::this_thread::get_id(); });
    ASSERT_TRUE(t.on_a_thread());
    t.finish();
    EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(SideTask, WithoutAThreadFinishDoesTheWorkInTurn) {
    int runs = 0;
    crd::side_task t(false, [&] { ++runs; });
    EXPECT_FALSE(t.on_a_thread());
    EXPECT_EQ(runs, 0);  // nothing before finish()
    t.finish();
    EXPECT_EQ(runs, 1);
}

TEST(SideTask, WhatTheWorkThrowsReachesTheCaller) {
    for (const bool on_a_thread : {true, false}) {
        crd::side_task t(on_a_thread, [] { throw std::runtime_error("no"); });
        EXPECT_THROW(t.finish(), std::runtime_error) << on_a_thread;
    }
}

TEST(SideTask, IsJoinedWhenTheCallerLeavesEarly) {
    int runs = 0;
    {
        crd::side_task t(true, [&] { ++runs; });
    }  // no finish(): the destructor joins
    EXPECT_EQ(runs, 1);
}
