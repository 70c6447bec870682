# Guest script for: ./ksharp run samples/Jiq --script samples/Jiq/demo.sh
insmod /jiq.ko delay=2 || exit 1
head -n 6 /proc/jiqwq
head -n 6 /proc/jiqwqdelay
rmmod jiq
