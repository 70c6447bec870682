# Guest script for: ./ksharp run samples/HelloParams --script samples/HelloParams/demo.sh
insmod /hellop.ko howmany=3 whom=Mom numbers=1,2,3 || exit 1
cat /sys/module/hellop/parameters/whom /sys/module/hellop/parameters/numbers
rmmod hellop
echo "a bad value fails insmod with EINVAL and names the parameter:"
insmod /hellop.ko howmany=1000
dmesg | grep -E 'Hello|process|numbers|howmany' | tail -n 8
