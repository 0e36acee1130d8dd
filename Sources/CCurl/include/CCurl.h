#ifndef HOOKLINE_CCURL_H
#define HOOKLINE_CCURL_H

// Typed wrappers around libcurl's variadic curl_easy_setopt / curl_easy_getinfo,
// which Swift cannot call directly. Each wrapper forwards one argument of one type.

#include <curl/curl.h>

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION (same signature).
CURLcode ccurl_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback);
/// For CURLOPT_OPENSOCKETFUNCTION.
CURLcode ccurl_setopt_opensocket_callback(CURL *handle, CURLoption option, curl_opensocket_callback callback);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *value);
/// The string is owned by the handle and valid until the next transfer or cleanup.
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/// CURL_SOCKET_BAD as a plain constant (the macro may not import into Swift).
static const curl_socket_t ccurl_socket_bad = CURL_SOCKET_BAD;

#endif
