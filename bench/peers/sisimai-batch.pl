#!/usr/bin/perl
# sisimai-batch.pl: benchmark peer. Parses each FILE with Sisimai (Debian's
# libsisimai-perl 4.25) in one process, as `rebound parse --json FILE...`
# does, printing one line per recipient: file, recipient, reason, status.
use strict;
use warnings;
use Sisimai;

for my $file (@ARGV) {
    my $list = Sisimai->make($file, 'delivered' => 1);
    if (!$list) {
        print "$file\t\t\t\n";
        next;
    }
    for my $r (@$list) {
        printf "%s\t%s\t%s\t%s\n", $file, $r->recipient->address, $r->reason, $r->deliverystatus;
    }
}
