/*
 * Included first in every object of libotel-instrument.so (-include): the
 * functions of libpq and libmicrohttpd that it calls are weak references.
 * The library is preloaded into programs that link neither, and must load
 * there too, even when every symbol is bound at start (LD_BIND_NOW); their
 * functions are called only from the interposers, which run only in a
 * program that has the library. tests/instrument checks that no reference
 * to either is left strong.
 */
#pragma weak PQclear
#pragma weak PQdb
#pragma weak PQerrorMessage
#pragma weak PQhost
#pragma weak PQport
#pragma weak PQresultErrorField
#pragma weak PQresultErrorMessage
#pragma weak PQresultStatus
#pragma weak MHD_add_response_header
#pragma weak MHD_get_connection_info
#pragma weak MHD_get_connection_values
#pragma weak MHD_get_daemon_info
#pragma weak MHD_lookup_connection_value
