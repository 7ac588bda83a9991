#include "listen/command_runner.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>

#include "hookbot/posix/unique_fd.hpp"
#include "listen/process_group.hpp"

namespace hookbot::listen {
namespace {

namespace net = boost::asio;
using namespace net::experimental::awaitable_operators;
constexpr auto no_throw = net::as_tuple(net::use_awaitable);

// The body as an anonymous file, positioned at its start: the command's stdin.
posix::unique_fd body_file(const std::string& body) {
    posix::unique_fd fd(::memfd_create("hookbot-message", MFD_CLOEXEC));
    if (!fd) throw std::system_error(errno, std::generic_category(), "memfd_create");
    std::string_view rest = body;
    while (!rest.empty()) {
        const ssize_t written = ::write(fd.get(), rest.data(), rest.size());
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) throw std::system_error(errno, std::generic_category(), "write memfd");
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
        throw std::system_error(errno, std::generic_category(), "lseek memfd");
    }
    return fd;
}

// glibc 2.36's <sys/pidfd.h> declares pidfd_open without extern "C", so
// C++ cannot link to it: the system call itself (Linux 5.3).
int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U));
}

command_result result_of(int wait_status) {
    if (WIFSIGNALED(wait_status)) {
        return {command_result::outcome::signalled, WTERMSIG(wait_status)};
    }
    return {command_result::outcome::exited, WEXITSTATUS(wait_status)};
}

}  // namespace

std::string command_result::describe() const {
    switch (what) {
        case outcome::exited:
            return "exited with status " + std::to_string(status);
        case outcome::signalled:
            return std::string("was killed by signal ") + std::to_string(status) + " (" +
                   ::strsignal(status) + ")";
        case outcome::timed_out:
            return "timed out: its process group was terminated";
        case outcome::interrupted:
            return "was interrupted: the listener is stopping";
        case outcome::not_started:
            return "could not start: " + std::generic_category().message(status);
    }
    return "ended";
}

command_runner::command_runner(const net::any_io_executor& executor, std::string command,
                               std::chrono::milliseconds timeout,
                               std::chrono::milliseconds kill_grace)
    : executor_(executor),
      command_(std::move(command)),
      timeout_(timeout),
      kill_grace_(kill_grace),
      deadline_(executor) {}

void command_runner::interrupt() {
    interrupted_ = true;
    deadline_.cancel();
}

net::awaitable<command_result> command_runner::run(const client::watch_message& message) {
    if (interrupted_) co_return command_result{command_result::outcome::interrupted, 0};
    std::optional<process_group> child;
    net::posix::stream_descriptor exited(executor_);
    try {
        const posix::unique_fd stdin_file = body_file(message.body);
        child.emplace(
            process_group::spawn(command_, stdin_file.get(),
                                 environment_with({"HOOKBOT_TOPIC=" + message.topic,
                                                   "HOOKBOT_ID=" + message.id.value_or("")})));
        // Readable once the child has exited: its exit, awaited like a socket.
        posix::unique_fd pidfd(open_pidfd(child->pid()));
        if (!pidfd) throw std::system_error(errno, std::generic_category(), "pidfd_open");
        exited.assign(pidfd.release());
    } catch (const std::system_error& e) {
        co_return command_result{command_result::outcome::not_started, e.code().value()};
    }

    deadline_.expires_after(timeout_);
    auto first = co_await (exited.async_wait(net::posix::descriptor_base::wait_read, no_throw) ||
                           deadline_.async_wait(no_throw));
    if (first.index() == 0) co_return result_of(child->reap());

    // Past the timeout, or stopping: the group gets SIGTERM, then SIGKILL.
    const command_result ended{
        interrupted_ ? command_result::outcome::interrupted : command_result::outcome::timed_out,
        0};
    child->signal(SIGTERM);
    deadline_.expires_after(kill_grace_);
    first = co_await (exited.async_wait(net::posix::descriptor_base::wait_read, no_throw) ||
                      deadline_.async_wait(no_throw));
    if (first.index() == 1) {
        child->signal(SIGKILL);
        co_await exited.async_wait(net::posix::descriptor_base::wait_read, no_throw);
    }
    child->reap();
    co_return ended;
}

}  // namespace hookbot::listen
