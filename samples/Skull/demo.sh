# Guest script for: ./ksharp run samples/Skull --script samples/Skull/demo.sh
insmod /skull.ko || exit 1
grep skull /proc/ioports
dmesg | grep 'skull:'
echo hold > /dev/skull
echo "usage count with a reference held: $(grep '^skull ' /proc/modules | cut -d' ' -f3)"
rmmod skull || echo "rmmod refused while the reference is held"
echo release > /dev/skull
rmmod skull && echo "unloaded"
