# Guest script for: ./ksharp run samples/Complete --script samples/Complete/demo.sh
insmod /complete.ko || exit 1
cat /dev/complete & first=$!
cat /dev/complete & second=$!
sleep 1
echo > /dev/complete
sleep 1
for reader in $first $second; do
    [ -d /proc/$reader ] && echo "reader $reader still waiting" || echo "reader $reader let through"
done
echo > /dev/complete
wait $first $second && echo "both readers through after two writes"
rmmod complete && echo "unloaded"
