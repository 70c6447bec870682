# Guest script for: ./ksharp run samples/Scull --script samples/Scull/demo.sh
insmod /scull.ko || exit 1
grep scull /proc/devices
ls -l /dev/scull0 /dev/scull1 /dev/scull2 /dev/scull3
echo "hello, scull" > /dev/scull0
cat /dev/scull0
dd if=/dev/zero of=/dev/scull1 bs=4000 count=3 2>/dev/null
cat /proc/scullmem
rmmod scull
