#!/usr/bin/perl
# sisimai-stdin.pl: benchmark peer. One message on standard input, parsed
# with Sisimai (Debian's libsisimai-perl 4.25) in a fresh process, as
# pipe(8) would run a Perl bounce handler; one line per recipient.
use strict;
use warnings;
use Sisimai;

my $list = Sisimai->make('STDIN', 'delivered' => 1);
for my $r (@{ $list || [] }) {
    printf "%s\t%s\t%s\n", $r->recipient->address, $r->reason, $r->deliverystatus;
}
