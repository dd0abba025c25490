// `casreport batch`: every tenant's report in one run (docs/batch.md).
#ifndef CASREPORT_CLI_BATCH_COMMAND_HPP
#define CASREPORT_CLI_BATCH_COMMAND_HPP

namespace casreport_cli {

/// Runs `casreport batch ARGS...` (`argv[0]` is "batch"). Exit status: 0 when every tenant
/// succeeded, 3 when one or more failed, 1 on a usage or I/O error.
int run_batch_command(int argc, char** argv);

}  // namespace casreport_cli

#endif  // CASREPORT_CLI_BATCH_COMMAND_HPP
