#!/bin/sh
# Render a Deploy/ template (web server configs, systemd units) with values.
# The single source of truth for placeholders, used by `make run`, the e2e
# tests and install.sh.
#
#   Deploy/render.sh [--auth basic|none] [-o OUT] TEMPLATE [NAME=VALUE ...]
#
# Placeholders (@NAME@) and their defaults (a production install on Debian):
#   MOUNT       /webhooks                    URL prefix, no trailing slash
#   BIN_DIR     /usr/lib/hookline            hookline-console, hookline-send, hookline
#   PUBLIC_DIR  /usr/share/hookline/public   static files
#   CONFIG      /etc/hookline/hookline.conf  passed as HOOKLINE_CONFIG
#   SOCKET      /run/fcgiwrap.socket         fcgiwrap socket (nginx)
#   HTPASSWD    /etc/hookline/htpasswd       Basic-auth users
#   USER, GROUP www-data                     user the CGIs run as
#   DATA_DIR    /var/lib/hookline            database directory (systemd unit)
#   PORT, RUN_DIR, SNIPPET                   standalone (dev/test) wrappers only:
#                                            listen port, run directory, path
#                                            of the rendered snippet to include
# --auth basic (default) keeps lines marked `#@basic ` and drops `#@none `
# ones; --auth none does the opposite (development without login).
# Fails if a placeholder the template uses has no value.
set -eu

auth=basic
out=
while [ $# -gt 0 ]; do
    case $1 in
        --auth) auth=$2; shift 2 ;;
        --auth=*) auth=${1#--auth=}; shift ;;
        -o) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "render.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: render.sh [--auth basic|none] [-o OUT] TEMPLATE [NAME=VALUE ...]" >&2; exit 2; }
template=$1; shift
[ -r "$template" ] || { echo "render.sh: cannot read $template" >&2; exit 2; }

MOUNT=/webhooks
BIN_DIR=/usr/lib/hookline
PUBLIC_DIR=/usr/share/hookline/public
CONFIG=/etc/hookline/hookline.conf
SOCKET=/run/fcgiwrap.socket
HTPASSWD=/etc/hookline/htpasswd
USER=www-data
GROUP=www-data
DATA_DIR=/var/lib/hookline
PORT=
RUN_DIR=
SNIPPET=
names="MOUNT BIN_DIR PUBLIC_DIR CONFIG SOCKET HTPASSWD USER GROUP DATA_DIR PORT RUN_DIR SNIPPET"

for assignment in "$@"; do
    name=${assignment%%=*}
    value=${assignment#*=}
    case " $names " in
        *" $name "*) ;;
        *) echo "render.sh: unknown placeholder $name (known: $names)" >&2; exit 2 ;;
    esac
    # Values end up unquoted in nginx/Apache syntax and inside sed: keep them
    # to plain path characters.
    case $value in
        *[!A-Za-z0-9._/:+@-]*) echo "render.sh: $name has unsupported characters: '$value'" >&2; exit 2 ;;
    esac
    eval "$name=\$value"
done
case $MOUNT in
    /*/ | *[!A-Za-z0-9_/-]* | "" | */ ) echo "render.sh: MOUNT must look like /webhooks" >&2; exit 2 ;;
esac

case $auth in
    basic) auth_script='s/^\([[:space:]]*\)#@basic /\1/; /^[[:space:]]*#@none /d' ;;
    none)  auth_script='s/^\([[:space:]]*\)#@none /\1/; /^[[:space:]]*#@basic /d' ;;
    *) echo "render.sh: --auth must be basic or none" >&2; exit 2 ;;
esac

script=$auth_script
for name in $names; do
    eval "value=\$$name"
    [ -n "$value" ] || continue
    script="$script; s|@$name@|$value|g"
done

rendered=$(sed -e "$script" "$template")
# Only the documentation header (comment lines) may mention placeholders.
missing=$(printf '%s\n' "$rendered" | grep -v '^[[:space:]]*#' | grep -o '@[A-Z_]*@' | sort -u | tr '\n' ' ' || true)
if [ -n "$missing" ]; then
    echo "render.sh: $template: no value for $missing" >&2
    exit 1
fi
if [ -n "$out" ]; then
    printf '%s\n' "$rendered" > "$out.tmp.$$"
    mv "$out.tmp.$$" "$out"
else
    printf '%s\n' "$rendered"
fi
