# Guest script for: ./ksharp run samples/Jit --script samples/Jit/demo.sh
insmod /jit.ko delay=25 || exit 1
cat /proc/currentime
echo "jiffies per second: waits of 25 jiffies, before and after"
for f in jitbusy jitsched jitqueue jitschedto; do echo "$f: $(cat /proc/$f)"; done
cat /proc/jitimer
cat /proc/jitasklet
rmmod jit
