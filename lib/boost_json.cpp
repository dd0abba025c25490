// Boost.JSON, compiled into casreport_core in exactly this one translation unit (header-only
// mode), with hidden visibility like everything else in the library.
#include <boost/json/src.hpp>
