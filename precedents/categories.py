"""The treatment categories to start with (administrators edit them in the admin): keywords as item titles word
them. Seeded by a migration, and again after any ``migrate`` that finds the table empty (a test database's flush)."""

from django.apps import apps as global_apps

CATEGORIES = [
    (
        "Medications: opioids",
        "opioid\nopioids\nnorco\nhydrocodone\noxycodone\npercocet\noxycontin\ntramadol\nultram\n"
        "tylenol with codeine\ncodeine\nmorphine\nhydromorphone\ndilaudid\nfentanyl\nbuprenorphine\nbutrans\n"
        "methadone\n"
        "tapentadol\nnucynta\noxymorphone\nopana",
    ),
    (
        "Medications: topical",
        "topical\ncream\ngel\nointment\npatch\npatches\nlidoderm\nlidocaine\nflector\n"
        "voltaren gel\ncapsaicin\nterocin\ncompounded",
    ),
    (
        "Medications: NSAIDs",
        "nsaid\nnsaids\nnaproxen\nanaprox\nnaprosyn\nibuprofen\nmotrin\ncelecoxib\ncelebrex\n"
        "meloxicam\nmobic\ndiclofenac\netodolac\nnabumetone\nketorolac\ntoradol\nindomethacin",
    ),
    (
        "Medications: muscle relaxants",
        "muscle relaxant\ncyclobenzaprine\nflexeril\nfexmid\ntizanidine\nzanaflex\n"
        "baclofen\nmethocarbamol\nrobaxin\ncarisoprodol\nsoma\norphenadrine\nnorflex\nmetaxalone\nskelaxin",
    ),
    (
        "Medications: other",
        "medication\nmedications\nmg\ntablet\ntablets\ncapsule\ncapsules\ngabapentin\nneurontin\n"
        "pregabalin\nlyrica\nomeprazole\nprilosec\npantoprazole\nranitidine\nduloxetine\ncymbalta\namitriptyline\n"
        "trazodone\nzolpidem\nambien\nsertraline\nbupropion\nprescription\nrefill",
    ),
    (
        "Imaging",
        "mri\nmagnetic resonance\nct\nct scan\ncomputed tomography\nx-ray\nx-rays\nxray\nradiograph\n"
        "radiographs\nultrasound\nimaging\nbone scan\narthrogram\nmyelogram\npet scan",
    ),
    (
        "Injections",
        "injection\ninjections\nepidural\nesi\nfacet\nmedial branch block\nnerve block\nblock\n"
        "radiofrequency\nrhizotomy\nablation\ntrigger point\ncortisone\nsteroid injection\nviscosupplementation\n"
        "synvisc\nhyaluronic\nprp\nplatelet",
    ),
    (
        "Surgery",
        "surgery\nsurgical\narthroscopy\narthroscopic\nfusion\nlaminectomy\ndiscectomy\nmicrodiscectomy\n"
        "decompression\nreplacement\narthroplasty\nrepair\nrelease\nreconstruction\nmeniscectomy\n"
        "preoperative\npre-operative\npostoperative\npost-operative\nassistant surgeon",
    ),
    (
        "Physical medicine",
        "physical therapy\ntherapy\nphysiotherapy\nchiropractic\nchiropractor\nmanipulation\n"
        "acupuncture\nmassage\noccupational therapy\naquatic therapy\nwork hardening\nwork conditioning\n"
        "functional restoration\nrehabilitation\nexercise\ngym membership\ntens\nsessions\nvisits",
    ),
    (
        "Psychological treatment",
        "psychological\npsychotherapy\npsychiatric\npsychiatrist\npsychologist\n"
        "cognitive behavioral\ncbt\ncounseling\nbiofeedback\nhypnotherapy\nrelaxation training\ndepression\nanxiety",
    ),
    (
        "Durable medical equipment",
        "dme\ndurable medical equipment\nbrace\nbraces\northosis\northotic\northotics\n"
        "wheelchair\nwalker\ncane\ncrutches\nhot/cold\ncold therapy\ncryotherapy\nunit\nmattress\nchair\npillow\n"
        "compression\nsplint\ncollar\nlumbar support\ninterferential\nh-wave",
    ),
    (
        "Labs and testing",
        "lab\nlabs\nlaboratory\nurine\nurinalysis\ndrug screen\ndrug screening\ntoxicology\n"
        "blood test\nblood work\npanel\nemg\nncv\nnerve conduction\nelectromyography\nfunctional capacity evaluation\n"
        "fce\ntesting\ntest\nevaluation\nconsultation\nconsult\nreferral\nfollow-up\nfollow up\nvisit\noffice visit",
    ),
    (
        "Home health",
        "home health\nhome care\nhome health care\nhome assistance\nhousekeeping\ncaregiver\nnursing\n"
        "attendant\nhome aide\ntransportation",
    ),
    ("Other", ""),
]


def categories_seed(apps=global_apps):
    """Create the starting categories when there are none (``apps``: a migration's historical apps)."""
    TreatmentCategory = apps.get_model("precedents", "TreatmentCategory")
    if TreatmentCategory.objects.exists():
        return
    TreatmentCategory.objects.bulk_create(
        TreatmentCategory(name=name, keywords=keywords, position=position * 10)
        for position, (name, keywords) in enumerate(CATEGORIES)
    )


def categories_after_migrate(sender, **kwargs):
    categories_seed()
