// SIGTERM and SIGUSR1 (Slurm's warning before a time limit or preemption) ask a checkpointed
// run to stop: the handler only sets a flag; the replicate loop finishes its current chunk,
// writes the checkpoint and exits with 75 (ExitCode::checkpointed).
#pragma once

namespace klynge {

// Installs the handlers (idempotent).
void install_stop_handlers();

// True once SIGTERM or SIGUSR1 has arrived since the handlers were installed.
bool stop_requested();

}  // namespace klynge
