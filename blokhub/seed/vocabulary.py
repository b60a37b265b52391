"""Word lists for the demo corpus: people's names from many cultures, bios and handle parts.

Everything here is plain data plus tables precomputed once at import (ASCII slugs of every name part), so that
the generators in :mod:`blokhub.seed.corpus` only index into tuples.
"""

from __future__ import annotations

import unicodedata

# (first names, last names) per naming culture. Display names keep their accents; usernames use ASCII slugs.
CULTURES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (  # English-speaking
        ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Chris", "Laura", "Ryan", "Megan", "Tom",
         "Hannah", "Ben", "Olivia", "Jack", "Grace", "Sam", "Chloe", "Luke", "Amy", "Nathan", "Kate"),
        ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Clarke", "Walker", "Wright",
         "Hughes", "Green", "Hall", "Wood", "Turner", "Cooper", "Parker", "Bennett", "Murphy", "Kelly"),
    ),
    (  # Indian
        ("Priya", "Arjun", "Ananya", "Rahul", "Sneha", "Vikram", "Kavya", "Rohan", "Divya", "Aditya", "Neha",
         "Karthik", "Pooja", "Siddharth", "Meera", "Amit", "Lakshmi", "Harish", "Isha", "Varun"),
        ("Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Singh", "Kumar", "Menon", "Desai", "Rao",
         "Joshi", "Chatterjee", "Pillai", "Mehta", "Agarwal", "Bose", "Kulkarni"),
    ),
    (  # Chinese (pinyin)
        ("Wei", "Li", "Jing", "Hao", "Xin", "Yu", "Mei", "Jun", "Lei", "Yan", "Tao", "Ying", "Chen", "Fang",
         "Bo", "Xiaoming", "Lina", "Zhen"),
        ("Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
         "Hu", "Guo", "Lin"),
    ),
    (  # Japanese
        ("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Sakura", "Takumi", "Yuki", "Daiki", "Mio",
         "Kaito", "Rina", "Shota", "Emi"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
         "Kato", "Yoshida", "Yamada", "Matsumoto", "Inoue"),
    ),
    (  # Korean
        ("Minjun", "Seoyeon", "Jihoon", "Jiwoo", "Hyunwoo", "Soyeon", "Dongha", "Yuna", "Taeyang", "Eunji",
         "Jaewon", "Hana"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin"),
    ),
    (  # Spanish-speaking
        ("José", "María", "Alejandro", "Lucía", "Carlos", "Sofía", "Javier", "Valentina", "Diego", "Camila",
         "Mateo", "Isabel", "Andrés", "Paula", "Miguel", "Elena", "Pablo", "Ximena"),
        ("García", "Martínez", "López", "Hernández", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez",
         "Torres", "Flores", "Díaz", "Morales", "Ortiz", "Castillo", "Vargas"),
    ),
    (  # Portuguese / Brazilian
        ("João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Larissa", "Rafael", "Juliana",
         "Thiago", "Fernanda", "Bruno", "Camila", "Felipe", "Letícia"),
        ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira", "Rodrigues",
         "Carvalho", "Gomes", "Ribeiro", "Barbosa", "Araújo"),
    ),
    (  # German / Austrian / Swiss
        ("Lukas", "Anna", "Jonas", "Lena", "Felix", "Marie", "Maximilian", "Laura", "Tobias", "Katharina",
         "Niklas", "Julia", "Florian", "Sophie", "Matthias", "Johanna"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
         "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Zimmermann"),
    ),
    (  # French / Belgian
        ("Lucas", "Camille", "Hugo", "Léa", "Louis", "Chloé", "Théo", "Manon", "Antoine", "Inès", "Julien",
         "Élodie", "Mathieu", "Claire", "Nicolas", "Amélie"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefèvre", "Michel", "Fontaine", "Rousseau"),
    ),
    (  # Italian
        ("Marco", "Giulia", "Alessandro", "Francesca", "Luca", "Chiara", "Matteo", "Sara", "Lorenzo",
         "Martina", "Davide", "Elisa", "Simone", "Federica"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
         "Bruno", "Gallo", "Conti", "De Luca"),
    ),
    (  # Nigerian (Yoruba, Igbo, Hausa)
        ("Chinedu", "Adaeze", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Tunde", "Chiamaka", "Ibrahim",
         "Aisha", "Obinna", "Folake", "Kelechi", "Zainab"),
        ("Okafor", "Adeyemi", "Nwosu", "Okonkwo", "Balogun", "Eze", "Adebayo", "Obi", "Bello", "Ogunleye",
         "Nwachukwu", "Abubakar"),
    ),
    (  # East African (Kenya, Tanzania, Ethiopia)
        ("Wanjiru", "Otieno", "Amani", "Njeri", "Baraka", "Achieng", "Kamau", "Zawadi", "Abebe", "Selam",
         "Juma", "Imani"),
        ("Mwangi", "Odhiambo", "Kariuki", "Wambui", "Kiprop", "Mutua", "Omondi", "Tesfaye", "Haile",
         "Mensah", "Njoroge"),
    ),
    (  # Arabic-speaking
        ("Omar", "Fatima", "Youssef", "Layla", "Khalid", "Mariam", "Ahmed", "Nour", "Hassan", "Salma", "Karim",
         "Yasmin", "Tariq", "Huda"),
        ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Farouk", "Hamdan", "Aziz", "Rahman", "Qureshi",
         "Said", "Bakr"),
    ),
    (  # Turkish
        ("Emre", "Elif", "Mehmet", "Zeynep", "Burak", "Ayşe", "Can", "Ece", "Murat", "Selin", "Kerem", "Deniz"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan", "Koç"),
    ),
    (  # Polish / Czech
        ("Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Łukasz", "Magdalena", "Paweł", "Joanna", "Michał",
         "Zuzana", "Jakub", "Tereza"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Dvořák",
         "Novotný", "Svoboda", "Mazur"),
    ),
    (  # Ukrainian / Russian
        ("Olena", "Dmytro", "Iryna", "Andriy", "Natalia", "Oleksandr", "Svitlana", "Maksym", "Anastasia",
         "Ivan", "Yulia", "Sergei"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Petrenko", "Ivanov", "Popov",
         "Sokolov", "Volkov", "Kravets"),
    ),
    (  # Vietnamese
        ("Minh", "Linh", "Tuan", "Huong", "Duc", "Thao", "Quang", "Lan", "Khoa", "Ngoc", "Hieu", "Trang"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do", "Ho"),
    ),
    (  # Indonesian / Malaysian / Filipino
        ("Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Nurul", "Marco", "Angelica", "Paolo",
         "Kristine", "Jomar", "Bea"),
        ("Santoso", "Wijaya", "Hidayat", "Pratama", "Saputra", "Lestari", "Reyes", "Cruz", "Bautista",
         "Mendoza", "Villanueva", "Tan"),
    ),
    (  # Nordic / Dutch
        ("Lars", "Ingrid", "Erik", "Sofie", "Magnus", "Freja", "Anders", "Astrid", "Jesper", "Maja", "Daan",
         "Sanne", "Bram", "Fleur", "Mikko", "Aino"),
        ("Andersen", "Johansson", "Nielsen", "Larsen", "Eriksson", "Lindqvist", "Hansen", "Berg",
         "de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Virtanen", "Korhonen"),
    ),
    (  # Persian / South Asian diaspora / Greek
        ("Dariush", "Shirin", "Reza", "Parisa", "Arash", "Niloufar", "Nikos", "Eleni", "Giorgos", "Maria",
         "Kostas", "Dimitra"),
        ("Hosseini", "Ahmadi", "Karimi", "Moradi", "Rostami", "Papadopoulos", "Georgiou", "Nikolaidis",
         "Pappas", "Oikonomou"),
    ),
)

_SPECIAL_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                                "ı": "i", "đ": "d", "Đ": "D"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters/digits only: 'Müller' -> 'muller', 'De Luca' -> 'deluca'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_ASCII))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


# Precomputed (display, slug) pairs per culture so the per-user path never normalises unicode.
NAME_TABLE: tuple[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], ...] = tuple(
    (tuple((f, ascii_slug(f)) for f in firsts), tuple((s, ascii_slug(s)) for s in lasts))
    for firsts, lasts in CULTURES
)

# Handles that are not derived from the person's name ("webhookwizard", "quiet-falcon").
HANDLE_ADJECTIVES: tuple[str, ...] = (
    "quiet", "lazy", "rapid", "async", "tiny", "brave", "cosmic", "sleepy", "clever", "stateless", "idle",
    "atomic", "lucky", "noisy", "silent", "pixel", "rusty", "sunny", "midnight", "urban", "electric",
)
HANDLE_NOUNS: tuple[str, ...] = (
    "falcon", "otter", "cron", "webhook", "panda", "pipeline", "lambda", "fox", "robot", "koala", "node",
    "owl", "stack", "packet", "badger", "comet", "kernel", "heron", "queue", "yak", "tapir", "gecko",
)
HANDLE_SUFFIXES: tuple[str, ...] = ("dev", "codes", "builds", "ops", "io", "hq", "labs", "automates", "data")

ROLES: tuple[str, ...] = (
    "Backend engineer", "Data engineer", "Full-stack developer", "Indie hacker", "Ops lead", "SRE",
    "Growth marketer", "Solutions architect", "Freelance automation consultant", "CTO", "Product manager",
    "Founder", "Platform engineer", "RevOps specialist", "Support engineer", "CS student", "Analytics engineer",
    "DevRel", "Engineering manager", "No-code builder", "ML engineer", "Finance ops", "Shopify developer",
)
PLACES: tuple[str, ...] = (
    "at a fintech startup", "at a small e-commerce shop", "at a B2B SaaS company", "in Berlin", "in Lagos",
    "in São Paulo", "in Bangalore", "in Toronto", "in Lisbon", "at an agency", "at a logistics company",
    "in Nairobi", "in Seoul", "at a healthtech scale-up", "in Melbourne", "working remotely", "in Mexico City",
    "at a nonprofit", "in Warsaw", "in Singapore", "at a game studio", "in Amsterdam", "in Austin",
)
INTERESTS: tuple[str, ...] = (
    "Automating all the boring things.", "I write workflows so my team doesn't have to.",
    "Mostly Stripe + Slack glue.", "Postgres fan.", "Into LLM agents and evals.",
    "Coffee, cron jobs and clean data.", "Open source when I can.", "Webhooks are my love language.",
    "Building internal tools.", "Happy to review your workflows.", "Previously: a lot of Zapier.",
    "I like small, boring, reliable pipelines.", "Talk to me about ETL.", "Shipping integrations daily.",
    "Learning Blok one node at a time.", "Obsessed with observability.", "Helping shops sell more.",
    "Making support teams faster.", "Python and TypeScript.", "Everything as code.",
)
