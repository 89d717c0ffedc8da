// main() of the `estimator` command line (library target estimator_main): a program linking it gets the
// subcommands with the models registered in it.
#include "cli/commands.h"

int main(int argc, char** argv) { return cli::CliMain(argc, argv); }
