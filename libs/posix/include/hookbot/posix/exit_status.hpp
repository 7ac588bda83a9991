#pragma once

// What a child's exit status tells `hookbot serve`'s supervisor, beyond "it
// stopped": written once here, for the children that exit with them and the
// supervisor that reads them.
namespace hookbot {

// "My configuration or environment is wrong": restarting cannot help, and
// the supervisor does not (nginx's "fatal, do not respawn").
inline constexpr int exit_fatal_config = 2;

// The acceptor's "the cluster's stream is not the one this bus holds": the
// supervisor replaces the bus with one whose epoch is the stream's identity,
// which the acceptor left in cluster_counters::requested_epoch.
inline constexpr int exit_replace_bus = 76;

}  // namespace hookbot
