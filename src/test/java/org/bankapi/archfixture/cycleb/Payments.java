package org.bankapi.archfixture.cycleb;

import org.bankapi.archfixture.cyclea.Invoices;

/** Breaks the no-cycles rule: depends on cyclea, which depends back on cycleb. */
public class Payments {

    public Invoices invoices;
}
