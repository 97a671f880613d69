# SPDX-License-Identifier: GPL-2.0-only
# Plots of the ring benchmark: gnuplot -e "dir='build/results'" plot.gp
# Reads dir/ring-plot.dat and dir/ring-plot-vars.gp (written by ring_bench),
# writes dir/ring.png (requests/s) and dir/ring-notify.png (notifications
# per 1000 requests); the last bar of each group is our ring with event
# hold-off and the largest poll-before-arm grace of the run.
if (!exists("dir")) dir = 'build/results'
dat = dir.'/ring-plot.dat'
grace = 0
load dir.'/ring-plot-vars.gp'
gtitle = sprintf("xen ring, event hold-off + grace %d polls", grace)
set terminal pngcairo size 1400,900 font ",9"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key top left
set xtics rotate by -45
set xlabel "ring slots / batch"
titles = "blkif,spin blkif,sleep netif,spin netif,sleep"

set output dir.'/ring.png'
set multiplot layout 2,2 title "xpv ring vs virtio split ring: million requests/s (higher is better)"
do for [i=0:3] {
	set title word(titles, i+1)
	set ylabel "Mreq/s"
	plot dat index i using 2:xtic(1) title "xen ring, event hold-off", \
	     '' index i using 3 title "xen ring, notify always", \
	     '' index i using 4 title "virtio, event idx", \
	     '' index i using 5 title "virtio, notify always", \
	     '' index i using 10 title gtitle
}
unset multiplot

set output dir.'/ring-notify.png'
set logscale y
# room above the bars for the key; 0.01 is the floor (0 is drawn as 0.01)
set yrange [0.01:1e6]
set multiplot layout 2,2 title "notifications (both directions) per 1000 requests (lower is less work)"
do for [i=0:3] {
	set title word(titles, i+1)
	set ylabel "notifications / 1000 requests"
	plot dat index i using 6:xtic(1) title "xen ring, event hold-off", \
	     '' index i using 7 title "xen ring, notify always", \
	     '' index i using 8 title "virtio, event idx", \
	     '' index i using 9 title "virtio, notify always", \
	     '' index i using 11 title gtitle
}
unset multiplot
