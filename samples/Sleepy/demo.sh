# Guest script for: ./ksharp run samples/Sleepy --script samples/Sleepy/demo.sh
insmod /sleepy.ko || exit 1
cat /dev/sleepy & reader=$!
sleep 1
echo "the reader: $(grep State /proc/$reader/status)"
echo wake > /dev/sleepy
wait $reader && echo "the reader woke and read end of file"
dmesg | grep -E 'going to sleep|awoken|awakening'
rmmod sleepy && echo "unloaded"
