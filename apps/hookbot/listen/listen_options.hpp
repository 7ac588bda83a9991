#pragma once

#include <boost/program_options/options_description.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hookbot/client/connection.hpp"
#include "hookbot/client/retrying_watch.hpp"
#include "hookbot/client/server_url.hpp"
#include "listen/forwarder.hpp"

namespace hookbot::listen {

// `hookbot listen`'s command line as given.
struct listen_options {
    std::string url;
    bool json = false;
    std::string exec;
    double exec_timeout = 60;
    std::string state;
    std::vector<std::string> headers;
    std::string ca_file;
    std::size_t max_message = client::watch_connection_defaults().max_message_bytes;
    double reconnect_min = 1;
    double reconnect_max = 30;
    std::string forward;
    bool forward_insecure = false;
    bool forward_retry_4xx = false;
    double forward_timeout = 30;
    double forward_retry_max = 30;
};

boost::program_options::options_description describe(listen_options& options);

// What the command runs with, checked.
struct listen_config {
    client::server_url url;
    client::header_list headers;
    client::watch_options watch;
    bool json = false;
    bool recursive = false;
    std::optional<std::string> exec;
    std::chrono::milliseconds exec_timeout{60000};
    std::optional<forward_config> forward;
    std::string ca_file;
};

// The checked configuration, or the reason it is not one (a line for stderr).
struct config_or_error {
    std::optional<listen_config> config;
    std::string error;
};
config_or_error check_options(const listen_options& options);

}  // namespace hookbot::listen
