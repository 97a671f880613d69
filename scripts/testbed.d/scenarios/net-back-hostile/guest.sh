# SPDX-License-Identifier: GPL-2.0-only
# net-back-hostile, witness guest: brings eth0 up (served by our back end)
# and idles; dom0 pings it after every attack.
step net-up
net_up
ok "ip=${XPV_IP%/*}"
