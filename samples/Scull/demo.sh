# Guest script for: ./ksharp run samples/Scull --script samples/Scull/demo.sh
insmod /scull.ko || exit 1
grep scull /proc/devices
ls -l /dev/scull0 /dev/scull1 /dev/scull2 /dev/scull3
echo "hello, scull" > /dev/scull0
cat /dev/scull0
dd if=/dev/zero of=/dev/scull1 bs=4000 count=3 2>/dev/null
cat /proc/scullmem
# scullpipe: a reader sleeps until a writer in another process fills the pipe.
cat /dev/scullpipe0 & reader=$!
sleep 1
echo "through the pipe" > /dev/scullpipe0
sleep 1
kill $reader
head -n 6 /proc/scullpipe
# scullsingle admits one open at a time.
exec 3</dev/scullsingle
cat /dev/scullsingle || echo "second open of scullsingle refused, as it should be"
exec 3<&-
rmmod scull
