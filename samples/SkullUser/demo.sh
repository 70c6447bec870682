# Guest script for: ./ksharp run samples/SkullUser --script samples/SkullUser/demo.sh
# (ksharp run puts skull.ko, the module skulluser depends on, in the guest too.)
insmod /skulluser.ko || echo "without skull: unknown symbols"
insmod /skull.ko && insmod /skulluser.ko || exit 1
dmesg | grep skulluser: | tail -n 1
rmmod skull || echo "skull stays while skulluser uses it"
rmmod skulluser && rmmod skull && echo "both unloaded"
