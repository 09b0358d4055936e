# Writes the build's identity header (host/include/klynge/version.hpp.in) with the checkout's
# current git revision. Run by the build at every build (CMakeLists.txt, target
# klynge_revision), not only at configure time, so a report's git_revision names the commit the
# binary was built from after any number of incremental builds. configure_file leaves the
# header untouched when nothing changed, so an unchanged revision recompiles nothing.
#   cmake -DSOURCE_DIR=... -DOUTPUT=... -DPROJECT_VERSION=... -P scripts/git-revision.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE KLYNGE_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
configure_file(${SOURCE_DIR}/host/include/klynge/version.hpp.in ${OUTPUT} @ONLY)
