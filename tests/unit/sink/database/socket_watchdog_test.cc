// SocketWatchdog: a blocked read on a socket nobody answers returns once the limit passes or on
// interrupt(); a Guard dropped in time leaves the socket alone. A socket pair stands in for a
// database client's socket.

#include "sink/database/socket_watchdog.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace siphon::sink {
namespace {

class SocketPair {
 public:
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd_), 0); }
  ~SocketPair() {
    ::close(fd_[0]);
    ::close(fd_[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  [[nodiscard]] int ours() const { return fd_[0]; }
  [[nodiscard]] int peer() const { return fd_[1]; }

 private:
  int fd_[2] = {-1, -1};
};

TEST(SocketWatchdog, ASilentPeerEndsTheWaitOnceTheLimitPasses) {
  SocketWatchdog dog;
  SocketPair s;
  const auto guard = dog.arm(s.ours(), std::chrono::milliseconds(50));
  char byte = 0;
  // The peer never writes: only the watchdog's shutdown ends this read (0: end of stream).
  EXPECT_EQ(::recv(s.ours(), &byte, 1, 0), 0);
  EXPECT_TRUE(guard.fired());
}

TEST(SocketWatchdog, AGuardDroppedInTimeLeavesTheSocketAlone) {
  SocketWatchdog dog;
  SocketPair s;
  {
    const auto guard = dog.arm(s.ours(), std::chrono::seconds(30));
    EXPECT_FALSE(guard.fired());
  }
  char byte = 'x';
  ASSERT_EQ(::send(s.peer(), &byte, 1, 0), 1);
  byte = 0;
  EXPECT_EQ(::recv(s.ours(), &byte, 1, 0), 1);
  EXPECT_EQ(byte, 'x');
}

TEST(SocketWatchdog, ArmsAgainAfterFiring) {
  SocketWatchdog dog;
  SocketPair first, second;
  char byte = 0;
  {
    const auto guard = dog.arm(first.ours(), std::chrono::milliseconds(20));
    EXPECT_EQ(::recv(first.ours(), &byte, 1, 0), 0);
    EXPECT_TRUE(guard.fired());
  }
  {
    const auto guard = dog.arm(second.ours(), std::chrono::milliseconds(20));
    EXPECT_FALSE(guard.fired()) << "a new arm starts unfired";
    EXPECT_EQ(::recv(second.ours(), &byte, 1, 0), 0);
    EXPECT_TRUE(guard.fired());
  }
}

TEST(SocketWatchdog, AnInterruptEndsTheWaitNowAndEveryLaterOne) {
  SocketWatchdog dog;
  SocketPair first, second;
  char byte = 0;
  {
    const auto guard = dog.arm(first.ours(), std::chrono::hours(1));
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      dog.interrupt();
    });
    EXPECT_EQ(::recv(first.ours(), &byte, 1, 0), 0);
    stopper.join();
    EXPECT_TRUE(guard.fired());
    EXPECT_TRUE(dog.interrupted());
  }
  const auto guard = dog.arm(second.ours(), std::chrono::hours(1));
  EXPECT_TRUE(guard.fired()) << "armed after the interrupt: shut down at once";
  EXPECT_EQ(::recv(second.ours(), &byte, 1, 0), 0);
}

}  // namespace
}  // namespace siphon::sink
