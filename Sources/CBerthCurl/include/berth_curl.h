#ifndef BERTH_CURL_H
#define BERTH_CURL_H

#include <stddef.h>

/// Registry HTTP through libcurl, loaded with dlopen on the first request. libcurl drags in
/// about thirty shared objects (TLS, Kerberos, LDAP, SSH, IDN, ...); linking it would make
/// every berth command pay for loading them although only pulls talk HTTP.

/// Receives a header line (`on_header`) or a piece of the body (`on_body`); returns `count`
/// to go on, anything else to abort the transfer.
typedef size_t (*berth_curl_callback)(char *data, size_t size, size_t count, void *context);

typedef struct berth_curl_request {
    /// The URL; redirects to http(s) URLs are followed (at most 10).
    const char *url;
    /// `Name: value` lines, `header_count` of them.
    const char *const *headers;
    size_t header_count;
    /// A byte range such as `1024-`, or NULL.
    const char *range;
    /// Give up when connecting takes longer, or when no byte arrives for this long.
    long idle_timeout_seconds;
    berth_curl_callback on_header;
    berth_curl_callback on_body;
    void *context;
} berth_curl_request;

/// Loads libcurl once per process. Returns 0, or -1 with the reason in `error`.
int berth_curl_load(char *error, size_t capacity);

/// Performs one GET. Returns 0 on a completed exchange (whatever the HTTP status, stored in
/// `*status`) or libcurl's error code with its message in `error`.
int berth_curl_get(const berth_curl_request *request, long *status, char *error, size_t capacity);

/// Whether a libcurl error code describes a failure worth retrying (connection refused or
/// reset, timeout, DNS, a body cut short).
int berth_curl_is_transient(int code);

/// libcurl's code for a transfer a callback aborted.
int berth_curl_aborted_by_callback(int code);

#endif
