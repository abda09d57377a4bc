// Z3's C API; only the SMT module imports CZ3 (DESIGN §7).
#include <z3.h>
