#include "berth_curl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// The few libcurl entry points berth calls, resolved once by berth_curl_load.
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256];
static int loaded;

static void *resolve(void *library, const char *name) {
    void *symbol = dlsym(library, name);
    if (!symbol && !load_error[0]) snprintf(load_error, sizeof load_error, "libcurl.so.4 has no %s", name);
    return symbol;
}

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "cannot load libcurl.so.4 (%s); install libcurl4", dlerror());
        return;
    }
    api.global_init = resolve(library, "curl_global_init");
    api.easy_init = resolve(library, "curl_easy_init");
    api.easy_setopt = resolve(library, "curl_easy_setopt");
    api.easy_perform = resolve(library, "curl_easy_perform");
    api.easy_getinfo = resolve(library, "curl_easy_getinfo");
    api.easy_cleanup = resolve(library, "curl_easy_cleanup");
    api.easy_strerror = resolve(library, "curl_easy_strerror");
    api.slist_append = resolve(library, "curl_slist_append");
    api.slist_free_all = resolve(library, "curl_slist_free_all");
    if (load_error[0]) return;
    // Once, before any transfer thread exists (curl_global_init is not thread-safe).
    CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init: %s", api.easy_strerror(code));
        return;
    }
    loaded = 1;
}

int berth_curl_load(char *error, size_t capacity) {
    pthread_once(&load_once, load);
    if (loaded) return 0;
    snprintf(error, capacity, "%s", load_error);
    return -1;
}

int berth_curl_get(const berth_curl_request *request, long *status, char *error, size_t capacity) {
    *status = 0;
    if (berth_curl_load(error, capacity) != 0) return CURLE_FAILED_INIT;
    CURL *curl = api.easy_init();
    if (!curl) {
        snprintf(error, capacity, "curl_easy_init failed");
        return CURLE_FAILED_INIT;
    }
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < request->header_count; i++) {
        struct curl_slist *next = api.slist_append(headers, request->headers[i]);
        if (!next) {
            api.slist_free_all(headers);
            api.easy_cleanup(curl);
            snprintf(error, capacity, "out of memory for request headers");
            return CURLE_OUT_OF_MEMORY;
        }
        headers = next;
    }
    char message[CURL_ERROR_SIZE] = "";
    api.easy_setopt(curl, CURLOPT_ERRORBUFFER, message);
    api.easy_setopt(curl, CURLOPT_URL, request->url);
    api.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    api.easy_setopt(curl, CURLOPT_USERAGENT, "berth");
    // Blob URLs redirect to storage hosts; curl drops Authorization when the host changes.
    api.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    api.easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    api.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    // Transfers run on their own threads: no SIGALRM-based DNS timeouts.
    api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, request->idle_timeout_seconds);
    api.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, request->idle_timeout_seconds);
    if (request->range) api.easy_setopt(curl, CURLOPT_RANGE, request->range);
    api.easy_setopt(curl, CURLOPT_HEADERFUNCTION, request->on_header);
    api.easy_setopt(curl, CURLOPT_HEADERDATA, request->context);
    api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, request->on_body);
    api.easy_setopt(curl, CURLOPT_WRITEDATA, request->context);
    CURLcode code = api.easy_perform(curl);
    api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    if (code != CURLE_OK) snprintf(error, capacity, "%s", message[0] ? message : api.easy_strerror(code));
    api.easy_cleanup(curl);
    api.slist_free_all(headers);
    return code;
}

int berth_curl_is_transient(int code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

int berth_curl_aborted_by_callback(int code) { return code == CURLE_WRITE_ERROR; }
